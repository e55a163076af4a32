import NovarecCore
import Synchronization

/// Item popularity that follows the event stream: starts from the counts the serving model was
/// loaded with and adds every newly stored event (by item id), so the fallback list for unknown
/// users reflects what shoppers do now. Counts events, not distinct users.
///
/// Bounded: an id outside the serving catalogue is counted only while fewer than `maxItems` ids
/// are (catalogue ids always are; the catalogue bounds them), so a flood of made-up item ids
/// cannot grow it without limit. While no model is trained, it also collects the counted ids
/// the catalogue lacks, for the catalogue to take them in batches (`catalogueGrowth`).
public final class LivePopularity: Sendable {
    /// The counts by item id, and the same counts laid out along the serving catalogue (built
    /// once per catalogue, then kept current by `record`), so a fallback request copies a
    /// vector instead of looking up every item.
    private struct State {
        var counts: [String: Int]
        var maxItems: Int
        var catalogueKey: String?
        var catalogue = Vocabulary(orderedIDs: [])
        var scores: [Float] = []
        /// Counted ids a popularity catalogue lacks, waiting to join it.
        var pending: [String] = []
    }

    private let state: Mutex<State>

    /// - Parameter maxItems: distinct item ids counted at most, besides the catalogue's.
    public init(initial: [String: Int] = [:], maxItems: Int = 1_000_000) {
        state = Mutex(State(counts: initial, maxItems: max(maxItems, 0)))
    }

    /// Distinct item ids counted at most (ids of the serving catalogue are always counted).
    public var maxItems: Int {
        get { state.withLock { $0.maxItems } }
        set { state.withLock { $0.maxItems = max(newValue, 0) } }
    }

    /// Distinct item ids counted now.
    public var countedItems: Int { state.withLock { $0.counts.count } }

    /// Counts one event of each of `items`; returns the ids counted for the first time.
    @discardableResult
    public func record(items: [String]) -> [String] {
        state.withLock { state in
            var fresh: [String] = []
            for item in items {
                let index = state.catalogue.index(of: item)
                if let count = state.counts[item] {
                    state.counts[item] = count + 1
                } else if index != nil || state.counts.count < state.maxItems {
                    state.counts[item] = 1
                    fresh.append(item)
                }
                if let index { state.scores[Int(index)] += 1 }
            }
            return fresh
        }
    }

    /// Takes back one count of each of `items` (an erased shopper's history).
    public func forget(items: [String]) {
        state.withLock { state in
            for item in items {
                guard let count = state.counts[item], count > 0 else { continue }
                state.counts[item] = count - 1
                if let index = state.catalogue.index(of: item) { state.scores[Int(index)] = max(state.scores[Int(index)] - 1, 0) }
            }
        }
    }

    /// Scores for a catalogue, by its dense indices. `key` names the catalogue (the serving
    /// model's version): the vector is rebuilt only when it changes.
    public func scores(for catalogue: Vocabulary, key: String) -> [Float] {
        state.withLock { state in
            if state.catalogueKey != key {
                state.scores = catalogue.ids.map { Float(state.counts[$0] ?? 0) }
                (state.catalogue, state.catalogueKey) = (catalogue, key)
            }
            return state.scores
        }
    }

    /// The ids a popularity `catalogue` grows to with the newly counted `items` (`record`'s
    /// answer): nil while fewer than max(1, 1% of the catalogue) ids wait, so rebuilding the
    /// catalogue (O(catalogue)) costs amortised O(100) per new item; then the catalogue's ids
    /// followed by the waiting ones, sorted. A small shop's catalogue takes each new item at once.
    public func catalogueGrowth(of catalogue: Vocabulary, adding items: [String]) -> [String]? {
        state.withLock { state in
            state.pending += items.filter { catalogue.index(of: $0) == nil }
            guard state.pending.count >= max(1, catalogue.count / 100) else { return nil }
            let added = Set(state.pending.filter { catalogue.index(of: $0) == nil }).sorted()
            state.pending = []
            return added.isEmpty ? nil : catalogue.ids + added
        }
    }
}
