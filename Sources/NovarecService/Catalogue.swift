import NovarecCore
import NovarecStore
import Synchronization

/// The item catalogue in memory (mirroring the `items` table): what item endpoints return and
/// what recommendation filters read (availability, categories). Items without a record count as
/// available and uncategorised.
public final class Catalogue: Sendable {
    /// The records plus the two indexes filters read, kept in step on every update so that a
    /// request's filter costs one lookup per unavailable item or per member of the category,
    /// never one per record.
    private struct State {
        var records: [String: ItemRecord] = [:]
        var unavailable: Set<String> = []
        var members: [String: Set<String>] = [:]
        /// Records with a title or categories (what explanations can name).
        var described = 0

        static func describes(_ item: ItemRecord) -> Bool { !item.title.isEmpty || !item.categories.isEmpty }

        mutating func put(_ item: ItemRecord) {
            if let old = records[item.itemID] {
                for category in old.categories { members[category]?.remove(item.itemID) }
                if Self.describes(old) { described -= 1 }
            }
            if Self.describes(item) { described += 1 }
            records[item.itemID] = item
            if item.available { unavailable.remove(item.itemID) } else { unavailable.insert(item.itemID) }
            for category in item.categories where item.available { members[category, default: []].insert(item.itemID) }
        }
    }

    private let state = Mutex(State())

    /// True when some item has a title or categories (otherwise explanations skip the catalogue).
    public var describesItems: Bool { state.withLock { $0.described > 0 } }

    public init(_ items: [ItemRecord] = []) { update(items) }

    public func update(_ items: [ItemRecord]) {
        state.withLock { state in for item in items { state.put(item) } }
    }

    public func item(_ id: String) -> ItemRecord? { state.withLock { $0.records[id] } }

    /// The records of `ids` that have one, in one lock (the per-request path).
    public func records(_ ids: some Sequence<String>) -> [String: ItemRecord] {
        state.withLock { state in
            guard !state.records.isEmpty else { return [:] }
            var found: [String: ItemRecord] = [:]
            for id in ids { if let record = state.records[id] { found[id] = record } }
            return found
        }
    }

    /// Removes every item outside `categories` (or unavailable) from `scores`, indexed like `items`.
    public func restrict(_ scores: UnsafeMutableBufferPointer<Float>, items: Vocabulary, to categories: [String]) {
        state.withLock { state in
            var allowed = [Bool](repeating: false, count: scores.count)
            for category in categories {
                for id in state.members[category] ?? [] { if let index = items.index(of: id) { allowed[Int(index)] = true } }
            }
            for index in 0..<scores.count where !allowed[index] { scores[index] = -.infinity }
        }
    }

    /// The indices in `items` of the items marked unavailable.
    public func unavailable(in items: Vocabulary) -> Set<Int32> {
        state.withLock { state in Set(state.unavailable.compactMap { items.index(of: $0) }) }
    }
}
