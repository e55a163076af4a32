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

    /// A user's best candidates and the history they were scored from, as the model's item
    /// indices (which a cached answer needs too, and would otherwise look up id by id).
    struct List: Sendable {
        let candidates: [Candidate]
        let history: [Int32]
    }

    private struct Entry {
        let modelVersion: String
        let revision: Int
        let list: List
    }

    private let generations: Mutex<GenerationalMap<Entry>>
    /// False when the capacity is 0: nothing is kept, so nobody needs to rank for the cache.
    let isEnabled: Bool

    /// - Parameter capacity: users kept at most; 0 disables the cache.
    init(capacity: Int) {
        generations = Mutex(GenerationalMap(capacity: capacity))
        isEnabled = capacity > 0
    }

    /// Drops `user`'s entry (an erased shopper).
    func remove(user: String) {
        _ = generations.withLock { $0.remove(user) }
    }

    func list(for key: Key) -> List? {
        guard isEnabled else { return nil }
        // A dropped generation is returned and released here, after the lock: freeing it takes a while.
        let (entry, _) = generations.withLock { $0.touch(key.user) }
        guard let entry, Self.matches(entry, key) else { return nil }
        return entry.list
    }

    func store(_ list: List, for key: Key) {
        guard isEnabled else { return }
        let entry = Entry(modelVersion: key.modelVersion, revision: key.revision, list: list)
        _ = generations.withLock { $0.set(key.user, entry) }
    }

    /// The users with a cached list for `modelVersion`, the newer generation's first.
    func users(of modelVersion: String) -> [String] {
        generations.withLock { map in map.generations.flatMap { $0.filter { $0.value.modelVersion == modelVersion }.map(\.key) } }
    }

    private static func matches(_ entry: Entry, _ key: Key) -> Bool {
        entry.modelVersion == key.modelVersion && entry.revision == key.revision
    }
}
