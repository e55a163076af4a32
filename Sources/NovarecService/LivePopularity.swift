import Synchronization

/// Item popularity that follows the event stream: starts from the counts the serving model was
/// loaded with and adds every newly stored event (by item id), so the fallback list for unknown
/// users reflects what shoppers do now. Counts events, not distinct users.
public final class LivePopularity: Sendable {
    private let counts: Mutex<[String: Int]>

    public init(initial: [String: Int] = [:]) { counts = Mutex(initial) }

    public func record(items: [String]) {
        counts.withLock { counts in for item in items { counts[item, default: 0] += 1 } }
    }

    /// Scores for a catalogue, by its dense indices.
    public func scores(for catalogue: [String]) -> [Float] {
        counts.withLock { counts in catalogue.map { Float(counts[$0] ?? 0) } }
    }
}
