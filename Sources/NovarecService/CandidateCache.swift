import NovarecRank
import Synchronization

/// The model's best candidates per known user, kept until that user's history or the serving
/// model changes. Scoring a user is the bulk of a recommendation's cost (the Transformer over
/// the history, then a product with every item's embedding and a top-k pass), while shoppers
/// ask again and again between two of their own events: paging, reloads, several widgets.
///
/// An entry is valid only for the (model version, history revision) it was computed from, so a
/// new event is seen by the very next request, and a model swap as soon as the user's list is
/// re-scored (during a handover, `ServedModels`, the previous model answers until then). One
/// entry per user: a list for a new model replaces the user's list for the old one, so a
/// handover does not double the entries. Bounded by two generations of `capacity / 2` users
/// each: a lookup in the old generation promotes the entry, and when the new generation fills
/// up the old one is dropped whole (least recently used, approximately).
final class CandidateCache: Sendable {
    struct Key: Hashable {
        let user: String
        let modelVersion: String
        let revision: Int
    }

    private struct Entry {
        let modelVersion: String
        let revision: Int
        let candidates: [Candidate]
    }

    private struct Generations {
        var current: [String: Entry] = [:]
        var previous: [String: Entry] = [:]
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int

    /// - Parameter capacity: users kept at most; 0 disables the cache.
    init(capacity: Int) { generationSize = capacity / 2 }

    /// Drops `user`'s entry (an erased shopper).
    func remove(user: String) {
        _ = generations.withLock { ($0.current.removeValue(forKey: user), $0.previous.removeValue(forKey: user)) }
    }

    func candidates(for key: Key) -> [Candidate]? {
        guard generationSize > 0 else { return nil }
        let (candidates, _) = generations.withLock { generations -> ([Candidate]?, [String: Entry]) in
            if let entry = generations.current[key.user] { return (Self.matches(entry, key) ? entry.candidates : nil, [:]) }
            guard let entry = generations.previous.removeValue(forKey: key.user) else { return (nil, [:]) }
            return (Self.matches(entry, key) ? entry.candidates : nil, Self.insert(key.user, entry, into: &generations, generationSize: generationSize))
        }
        return candidates
    }

    func store(_ candidates: [Candidate], for key: Key) {
        guard generationSize > 0 else { return }
        let entry = Entry(modelVersion: key.modelVersion, revision: key.revision, candidates: candidates)
        // A dropped generation is returned and released here, after the lock: freeing it takes a while.
        _ = generations.withLock { Self.insert(key.user, entry, into: &$0, generationSize: generationSize) }
    }

    /// The users with a cached list for `modelVersion`, the newer generation's first.
    func users(of modelVersion: String) -> [String] {
        generations.withLock { generations in
            (generations.current.filter { $0.value.modelVersion == modelVersion }.map(\.key)
                + generations.previous.filter { $0.value.modelVersion == modelVersion }.map(\.key))
        }
    }

    private static func matches(_ entry: Entry, _ key: Key) -> Bool {
        entry.modelVersion == key.modelVersion && entry.revision == key.revision
    }

    /// Files `entry`; returns the generation dropped to make room (empty when none was), for the
    /// caller to release outside the lock.
    private static func insert(_ user: String, _ entry: Entry, into generations: inout Generations, generationSize: Int) -> [String: Entry] {
        var dropped: [String: Entry] = [:]
        if generations.current[user] == nil, generations.current.count >= generationSize {
            dropped = generations.previous
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[user] = entry
        generations.previous[user] = nil
        return dropped
    }
}
