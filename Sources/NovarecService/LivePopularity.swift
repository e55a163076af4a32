import NovarecCore
import Synchronization

/// Item popularity that follows the event stream: starts from the counts the serving model was
/// loaded with and adds every newly stored event (by item id), so the fallback list for unknown
/// users reflects what shoppers do now. Counts events, not distinct users.
public final class LivePopularity: Sendable {
    /// The counts by item id, and the same counts laid out along the serving catalogue (built
    /// once per catalogue, then kept current by `record`), so a fallback request copies a
    /// vector instead of looking up every item.
    private struct State {
        var counts: [String: Int]
        var catalogueKey: String?
        var catalogue = Vocabulary(orderedIDs: [])
        var scores: [Float] = []
    }

    private let state: Mutex<State>

    public init(initial: [String: Int] = [:]) { state = Mutex(State(counts: initial)) }

    public func record(items: [String]) {
        state.withLock { state in
            for item in items {
                state.counts[item, default: 0] += 1
                if let index = state.catalogue.index(of: item) { state.scores[Int(index)] += 1 }
            }
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
}
