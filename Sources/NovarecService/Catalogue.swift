import NovarecCore
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

    /// Removes items that must not be recommended from `scores` (indexed like `items`):
    /// unavailable ones, and, when `category` is set, every item outside it. Costs one lookup per
    /// stored record, not per catalogue item.
    public func block(_ scores: UnsafeMutableBufferPointer<Float>, items: Vocabulary, category: String?) {
        records.withLock { records in
            if let category {
                var allowed = [Bool](repeating: false, count: scores.count)
                for record in records.values where record.available && record.categories.contains(category) {
                    if let index = items.index(of: record.itemID) { allowed[Int(index)] = true }
                }
                for index in 0..<scores.count where !allowed[index] { scores[index] = -.infinity }
                return
            }
            for record in records.values where !record.available {
                if let index = items.index(of: record.itemID) { scores[Int(index)] = -.infinity }
            }
        }
    }
}
