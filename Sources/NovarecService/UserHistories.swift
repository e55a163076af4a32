import NovarecStore
import Synchronization

/// Each user's recent items (external ids, oldest first), kept in memory and updated by every
/// accepted event so that the very next request sees it. Bounded per user.
///
/// The histories are loaded from the store's interactions and then follow the events stored
/// after them, each batch named by the transaction that stored it. Whatever the order in which
/// a batch is stored, read and heard of, it is taken in once: a batch the loaded snapshot already
/// saw is skipped, and batches taken in while a reload reads the store are replayed onto what
/// it read unless the read saw them.
public final class UserHistories: Sendable {
    /// A user's recent items and how many items were ever appended for them: the revision
    /// changes with every event, so caches keyed on it never serve a stale history.
    public struct Entry: Sendable {
        public var items: [String] = []
        public var revision = 0
    }

    /// A batch taken in, or a shopper erased, while a reload reads the store.
    private struct Journaled {
        var events: [(user: String, item: String)] = []
        var erased: String?
        let transaction: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// The snapshot the entries were last loaded in (nil: never loaded from the store).
        var loaded: PostgresSnapshot?
        /// Batches taken in since `beginReload()`; nil when no reload is under way.
        var journal: [Journaled]?
    }

    private let state = Mutex(State())
    private let limit: Int

    public init(limit: Int = 200) { self.limit = limit }

    /// Takes in `events` (in time order) that `transaction` stored; false, and nothing changes,
    /// when the histories were loaded in a snapshot that already saw that transaction.
    @discardableResult
    public func append(_ events: [(user: String, item: String)], transaction: UInt64) -> Bool {
        state.withLock { state in
            if state.loaded?.sees(transaction) == true { return false }
            state.journal?.append(Journaled(events: events, transaction: transaction))
            for event in events { append(user: event.user, items: [event.item], to: &state.entries) }
            return true
        }
    }

    /// Drops `user`'s history, erased by `transaction`; returns the items it held (nil: none).
    /// A reload under way drops the user too unless its read already missed their events.
    @discardableResult
    public func remove(user: String, transaction: UInt64) -> [String]? {
        state.withLock { state in
            state.journal?.append(Journaled(erased: user, transaction: transaction))
            return state.entries.removeValue(forKey: user)?.items
        }
    }

    /// Starts recording what is taken in, for `load` to replay onto a fresh read of the store.
    public func beginReload() { state.withLock { $0.journal = [] } }

    /// Stops recording without loading (the read failed).
    public func abandonReload() { state.withLock { $0.journal = nil } }

    /// Replaces every history with `itemsByUser` (each user's items, oldest first), which the
    /// store gave in `snapshot`, then replays the batches taken in since `beginReload()` that
    /// the snapshot did not see. A user whose history comes out unchanged keeps their revision
    /// (and their cached recommendations); any other user's revision moves past every earlier
    /// one, so no cache keeps a list computed from a replaced history.
    public func load(_ itemsByUser: [String: [String]], snapshot: PostgresSnapshot) {
        var fresh = [String: Entry](minimumCapacity: itemsByUser.count)
        for (user, items) in itemsByUser { append(user: user, items: items, to: &fresh) }
        state.withLock { state in
            for batch in state.journal ?? [] where !snapshot.sees(batch.transaction) {
                if let user = batch.erased { fresh[user] = nil }
                for event in batch.events { append(user: event.user, items: [event.item], to: &fresh) }
            }
            for (user, entry) in fresh {
                guard let previous = state.entries[user] else { continue }
                fresh[user]!.revision = previous.items == entry.items ? previous.revision : previous.revision + entry.revision
            }
            state = State(entries: fresh, loaded: snapshot, journal: nil)
        }
    }

    private func append(user: String, items: [String], to entries: inout [String: Entry]) {
        var entry = entries[user, default: Entry()]
        entry.items += items
        entry.revision += items.count
        if entry.items.count > limit { entry.items.removeFirst(entry.items.count - limit) }
        entries[user] = entry
    }

    public func entry(of user: String) -> Entry? { state.withLock { $0.entries[user] } }

    public func history(of user: String) -> [String]? { entry(of: user)?.items }

    public var userCount: Int { state.withLock { $0.entries.count } }
}
