import NovarecStore
import Synchronization

/// The item catalogue in memory (mirroring the `items` table): what item endpoints return and
/// what recommendation filters read (availability, categories). Items without a record count as
/// available and uncategorised.
public final class Catalogue: Sendable {
    private let records: Mutex<[String: ItemRecord]>

    public init(_ items: [ItemRecord] = []) {
        records = Mutex(Dictionary(items.map { ($0.itemID, $0) }, uniquingKeysWith: { $1 }))
    }

    public func update(_ items: [ItemRecord]) {
        records.withLock { records in for item in items { records[item.itemID] = item } }
    }

    public func item(_ id: String) -> ItemRecord? { records.withLock { $0[id] } }

    /// Ids among `ids` that must not be recommended: unavailable, or outside `category` when set.
    public func blocked(_ ids: [String], category: String?) -> Set<Int> {
        records.withLock { records in
            var blocked = Set<Int>()
            for (index, id) in ids.enumerated() {
                let record = records[id]
                if record?.available == false { blocked.insert(index); continue }
                if let category, !(record?.categories.contains(category) ?? false) { blocked.insert(index) }
            }
            return blocked
        }
    }
}
