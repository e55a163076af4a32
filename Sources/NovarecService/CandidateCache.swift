import NovarecRank
import Synchronization

/// The model's best candidates per known user, kept until that user's history or the serving
/// model changes. Scoring a user is the bulk of a recommendation's cost (the Transformer over
/// the history, then a product with every item's embedding and a top-k pass), while shoppers
/// ask again and again between two of their own events: paging, reloads, several widgets.
///
/// An entry is valid only for the (model version, history revision) it was computed from, so a
/// new event or a model swap is seen by the very next request. Bounded by two generations of
/// `capacity / 2` users each: a lookup in the old generation promotes the entry, and when the
/// new generation fills up the old one is dropped whole (least recently used, approximately).
final class CandidateCache: Sendable {
    struct Key: Hashable {
        let user: String
        let modelVersion: String
        let revision: Int
    }

    private struct Generations {
        var current: [String: (Key, [NoveltyReranker.Candidate])] = [:]
        var previous: [String: (Key, [NoveltyReranker.Candidate])] = [:]
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int

    /// - Parameter capacity: users kept at most; 0 disables the cache.
    init(capacity: Int) { generationSize = capacity / 2 }

    func candidates(for key: Key) -> [NoveltyReranker.Candidate]? {
        guard generationSize > 0 else { return nil }
        return generations.withLock { generations in
            if let (stored, candidates) = generations.current[key.user] { return stored == key ? candidates : nil }
            guard let (stored, candidates) = generations.previous.removeValue(forKey: key.user), stored == key else { return nil }
            Self.insert(key, candidates, into: &generations, generationSize: generationSize)
            return candidates
        }
    }

    func store(_ candidates: [NoveltyReranker.Candidate], for key: Key) {
        guard generationSize > 0 else { return }
        generations.withLock { Self.insert(key, candidates, into: &$0, generationSize: generationSize) }
    }

    private static func insert(_ key: Key, _ candidates: [NoveltyReranker.Candidate], into generations: inout Generations, generationSize: Int) {
        if generations.current[key.user] == nil, generations.current.count >= generationSize {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[key.user] = (key, candidates)
        generations.previous[key.user] = nil
    }
}
