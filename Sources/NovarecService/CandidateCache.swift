import NovarecRank
import Synchronization

/// The model's best candidates per known user, kept until that user's history or the serving
/// model changes. Scoring a user is the bulk of a recommendation's cost (the Transformer over
/// the history, then a product with every item's embedding and a top-k pass), while shoppers
/// ask again and again between two of their own events: paging, reloads, several widgets.
///
/// An entry is valid only for the (model version, history revision) it was computed from, so a
/// new event is seen by the very next request, and a model swap as soon as the user's list is
/// re-scored (during a handover, `ServedModels`, the previous model answers until then).
/// Bounded by two generations of `capacity / 2` entries each: a lookup in the old generation
/// promotes the entry, and when the new generation fills up the old one is dropped whole (least
/// recently used, approximately).
final class CandidateCache: Sendable {
    struct Key: Hashable {
        let user: String
        let modelVersion: String
        let revision: Int
    }

    /// Entries are filed by user and model version (during a handover a user may have lists for
    /// both models); the history revision must match on lookup.
    private struct Slot: Hashable {
        let user: String
        let modelVersion: String
    }

    private struct Generations {
        var current: [Slot: (revision: Int, candidates: [NoveltyReranker.Candidate])] = [:]
        var previous: [Slot: (revision: Int, candidates: [NoveltyReranker.Candidate])] = [:]
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int

    /// - Parameter capacity: entries kept at most; 0 disables the cache.
    init(capacity: Int) { generationSize = capacity / 2 }

    func candidates(for key: Key) -> [NoveltyReranker.Candidate]? {
        guard generationSize > 0 else { return nil }
        let slot = Slot(user: key.user, modelVersion: key.modelVersion)
        let (candidates, _) = generations.withLock { generations -> ([NoveltyReranker.Candidate]?, [Slot: (revision: Int, candidates: [NoveltyReranker.Candidate])]) in
            if let entry = generations.current[slot] { return (entry.revision == key.revision ? entry.candidates : nil, [:]) }
            guard let entry = generations.previous.removeValue(forKey: slot), entry.revision == key.revision else { return (nil, [:]) }
            return (entry.candidates, Self.insert(slot, entry, into: &generations, generationSize: generationSize))
        }
        return candidates
    }

    func store(_ candidates: [NoveltyReranker.Candidate], for key: Key) {
        guard generationSize > 0 else { return }
        let slot = Slot(user: key.user, modelVersion: key.modelVersion)
        // A dropped generation is returned and released here, after the lock: freeing it takes a while.
        _ = generations.withLock { Self.insert(slot, (key.revision, candidates), into: &$0, generationSize: generationSize) }
    }

    /// The users with a cached list for `modelVersion`, the newer generation's first.
    func users(of modelVersion: String) -> [String] {
        generations.withLock { generations in
            (Array(generations.current.keys) + Array(generations.previous.keys)).filter { $0.modelVersion == modelVersion }.map(\.user)
        }
    }

    /// Files `entry`; returns the generation dropped to make room (empty when none was), for the
    /// caller to release outside the lock.
    private static func insert(_ slot: Slot, _ entry: (revision: Int, candidates: [NoveltyReranker.Candidate]),
                               into generations: inout Generations, generationSize: Int) -> [Slot: (revision: Int, candidates: [NoveltyReranker.Candidate])] {
        var dropped: [Slot: (revision: Int, candidates: [NoveltyReranker.Candidate])] = [:]
        if generations.current[slot] == nil, generations.current.count >= generationSize {
            dropped = generations.previous
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[slot] = entry
        generations.previous[slot] = nil
        return dropped
    }
}
