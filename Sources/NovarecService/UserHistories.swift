import NovarecStore
import Synchronization

/// Each user's recent items (external ids, oldest first), kept in memory and updated by every
/// accepted event so that the very next request sees it. Bounded per user (`limit` items) and in
/// users (`maxUsers`, approximately the least recently used dropped first: see `GenerationalMap`).
///
/// The histories are loaded from the store's interactions and then follow the events stored
/// after them, each batch named by the transaction that stored it. Whatever the order in which
/// a batch is stored, read and heard of, it is taken in once: a batch the loaded snapshot already
/// saw is skipped, and batches taken in while a reload reads the store are replayed onto what
/// it read unless the read saw them.
///
/// Once a user was dropped (or left out of a load over the budget), memory no longer holds every
/// history: a request for a user absent from memory then reads that user's history from the
/// store (`entry(of:reading:)`), and events taken in for such a user make an entry marked
/// incomplete, completed from the store on the next request. A history read for one user is
/// tagged with the snapshot it was read in, so a batch that read already saw is not taken in
/// twice. While nobody was dropped, an absent user is simply unknown and nothing is read.
public final class UserHistories: Sendable {
    /// A user's recent items and how many items were ever appended for them: the revision
    /// changes with every event, so caches keyed on it never serve a stale history.
    public struct Entry: Sendable {
        public var items: [String] = []
        public var revision = 0
        /// What is rare about the entry, boxed so that the common entry stays small (a million of
        /// them are kept by default): nil for a complete entry loaded or built from events.
        var notes: Notes?

        /// False while the entry holds only events taken in after the user had been dropped from
        /// memory: their older events are in the store, to be read on the next request.
        public var isComplete: Bool { notes?.isComplete ?? true }
    }

    /// An entry's rare facts: incomplete, or read from the store alone in a snapshot.
    final class Notes: Sendable {
        let isComplete: Bool
        /// The snapshot the user's history was read in: batches it saw are among the items already.
        let readIn: PostgresSnapshot?

        /// An entry of events taken in for a user dropped from memory (shared: it holds nothing else).
        static let incomplete = Notes(isComplete: false, readIn: nil)

        init(isComplete: Bool, readIn: PostgresSnapshot?) { (self.isComplete, self.readIn) = (isComplete, readIn) }
    }

    /// A batch taken in, or a shopper erased, while a reload reads the store.
    fileprivate struct Journaled {
        var events: [(user: String, item: String)] = []
        var erased: String?
        let transaction: UInt64
    }

    /// What a read of one user's history started from: it is installed only if neither the
    /// user's entry nor the whole (a load, an erasure, a dropped generation) changed meanwhile.
    fileprivate struct Ticket {
        let revision: Int?
        let epoch: Int
    }

    fileprivate struct State {
        let limit: Int
        var entries: GenerationalMap<Entry>
        /// The snapshot the entries were last loaded in (nil: never loaded from the store).
        var loaded: PostgresSnapshot?
        /// Batches taken in since `beginReload()`; nil when no reload is under way.
        var journal: [Journaled]?
        /// Some user's history may be in the store only: a request for an absent user reads it.
        var missesReadStore = false
        /// Some user's history was ever dropped or erased: a history begun afresh takes revisions
        /// past `highestRevision`, so no cache keeps serving a list computed from the one before.
        var everDropped = false
        var highestRevision = 0
        /// Moves on with every load, erasure and dropped generation.
        var epoch = 0
        /// Users erased since a load whose snapshot saw it, each with the transaction that erased
        /// them: a batch from an earlier transaction, heard of late (another replica's
        /// announcement, or a local one overtaken), may hold events that erasure deleted, so its
        /// events for them are not taken in. (Transaction ids follow start, not commit: an earlier
        /// one that committed after the erasure's delete keeps its events in the store, and memory
        /// lacks them until the next load — never the other way round.)
        var erasures: [String: UInt64] = [:]
        /// Generations dropped under the lock, released after it (freeing one takes a while).
        var released: [[String: Entry]] = []

        init(limit: Int, maxUsers: Int) {
            self.limit = limit
            entries = GenerationalMap(capacity: maxUsers)
        }
    }

    private let state: Mutex<State>
    /// Items kept per user.
    public let limit: Int
    /// Users kept in memory at most.
    public let maxUsers: Int
    private let storeReads = Atomic<Int>(0)
    private let failedStoreReads = Atomic<Int>(0)

    /// - Parameters:
    ///   - limit: items kept per user (the newest);
    ///   - maxUsers: users kept in memory (at least 2).
    public init(limit: Int = 200, maxUsers: Int = 1_000_000) {
        self.limit = limit
        self.maxUsers = max(maxUsers, 2)
        state = Mutex(State(limit: limit, maxUsers: self.maxUsers))
    }

    /// Takes in `events` (in time order) that `transaction` stored; returns the items of those
    /// taken in. None are when the histories were loaded in a snapshot that already saw that
    /// transaction, and none of a shopper erased after it (those events were deleted).
    @discardableResult
    public func append(_ events: [(user: String, item: String)], transaction: UInt64) -> [String] {
        withState { state in
            if state.loaded?.sees(transaction) == true { return [] }
            state.journal?.append(Journaled(events: events, transaction: transaction))
            return events.filter { state.append($0.item, to: $0.user, transaction: transaction) }.map(\.item)
        }
    }

    /// Drops `user`'s history, erased by `transaction`; returns the items it held (nil: none).
    /// A reload under way drops the user too unless its read already missed their events.
    @discardableResult
    public func remove(user: String, transaction: UInt64) -> [String]? {
        withState { state in
            state.journal?.append(Journaled(erased: user, transaction: transaction))
            state.erasures[user] = max(state.erasures[user] ?? 0, transaction)
            state.epoch += 1
            // A history begun again must not reuse a revision of the erased one: a list scored
            // from it while it was erased may still be filed under that revision.
            state.everDropped = true
            return state.entries.remove(user)?.items
        }
    }

    /// Starts recording what is taken in, for `load` to replay onto a fresh read of the store.
    public func beginReload() { withState { $0.journal = [] } }

    /// Stops recording without loading (the read failed).
    public func abandonReload() { withState { $0.journal = nil } }

    /// Replaces every history with `itemsByUser` (each user's items, oldest first), which the
    /// store gave in `snapshot`; see `load(_:snapshot:)` with collected histories.
    public func load(_ itemsByUser: [String: [String]], snapshot: PostgresSnapshot) {
        load(CollectedHistories(users: itemsByUser.map { ($0.key, $0.value) }), snapshot: snapshot)
    }

    /// Replaces every history with `stored`, which the store gave in `snapshot`, then replays the
    /// batches taken in since `beginReload()` that the snapshot did not see. A user whose history
    /// comes out unchanged keeps their revision (and their cached recommendations); any other
    /// user's revision moves past every earlier one, so no cache keeps a list computed from a
    /// replaced history. Users beyond the budget are dropped, the least recently active first.
    public func load(_ stored: CollectedHistories, snapshot: PostgresSnapshot) {
        withState { state in
            var next = State(limit: state.limit, maxUsers: maxUsers)
            next.erasures = state.erasures.filter { !snapshot.sees($0.value) }
            for (user, items) in stored.users { next.put(Entry(items: Array(items.suffix(state.limit)), revision: items.count), for: user) }
            for batch in state.journal ?? [] where !snapshot.sees(batch.transaction) {
                if let user = batch.erased { next.entries.remove(user) }
                for event in batch.events where !next.erased(event.user, after: batch.transaction) {
                    next.replay(event.item, to: event.user, complete: !stored.truncated)
                }
            }
            var highest = state.highestRevision
            next.entries.updateEach { user, entry in
                entry.revision = state.revision(of: user, reloaded: entry)
                highest = max(highest, entry.revision)
            }
            (next.loaded, next.missesReadStore, next.highestRevision) = (snapshot, stored.truncated || next.missesReadStore, highest)
            // A user this read left out (expired, or erased unheard of) may come back: as after an erasure.
            let someoneLeft = state.entries.generations.contains { $0.keys.contains { next.entries.peek($0) == nil } }
            (next.everDropped, next.epoch) = (state.everDropped || next.missesReadStore || someoneLeft, state.epoch + 1)
            next.released += state.released + state.entries.generations
            state = next
        }
    }

    /// `user`'s history for a request. When memory may lack it — the user is absent after users
    /// were dropped, or their entry is incomplete — `read` gives their newest `limit` items from
    /// the store (and the snapshot it read in), which replace the entry. When the read fails, or
    /// the user's entry changed while it ran, the answer is what memory holds (the next request
    /// reads again). While nobody was dropped, an absent user is unknown and nothing is read.
    public func entry(of user: String, reading read: ((_ user: String, _ limit: Int) throws -> StoredHistory)?) -> Entry? {
        let (found, ticket, needsRead) = withState { state in
            let found = state.touch(user)
            return (found, Ticket(revision: found?.revision, epoch: state.epoch), found.map { !$0.isComplete } ?? state.missesReadStore)
        }
        guard needsRead, let read else { return found }
        storeReads.add(1, ordering: .relaxed)
        guard let stored = try? read(user, limit) else {
            failedStoreReads.add(1, ordering: .relaxed)
            return found
        }
        return withState { state in state.install(stored, for: user, ticket: ticket) ?? state.entries.peek(user) ?? found }
    }

    /// Whether `entry(of:reading:)` would read the store for `user` now: a caller that must not
    /// block (an event loop) asks elsewhere then.
    public func needsStoreRead(for user: String) -> Bool {
        state.withLock { state in state.entries.peek(user).map { !$0.isComplete } ?? state.missesReadStore }
    }

    /// `user`'s entry in memory, as it is (no store read, no change to what is kept).
    public func entry(of user: String) -> Entry? { state.withLock { $0.entries.peek(user) } }

    public func history(of user: String) -> [String]? { entry(of: user)?.items }

    /// Users in memory.
    public var userCount: Int { state.withLock { $0.entries.count } }

    /// Histories read from the store for one user (misses and incomplete entries), and how many of those reads failed.
    public var storeReadCounts: (reads: Int, failed: Int) {
        (storeReads.load(ordering: .relaxed), failedStoreReads.load(ordering: .relaxed))
    }

    /// Runs `body` under the lock, then releases the generations it dropped.
    private func withState<T: Sendable>(_ body: (inout State) -> T) -> T {
        let (result, released) = state.withLock { state in
            let result = body(&state)
            defer { state.released = [] }
            return (result, state.released)
        }
        _ = released
        return result
    }
}

extension UserHistories.Entry {
    /// Appends one item, keeping the newest `limit`.
    fileprivate mutating func append(_ item: String, limit: Int) {
        items.append(item)
        revision += 1
        if items.count > limit { items.removeFirst(items.count - limit) }
    }
}

extension UserHistories.State {
    /// Takes in one stored event, unless the user's history was read in a snapshot that saw it;
    /// false when the user was erased after `transaction` (the event is deleted).
    mutating func append(_ item: String, to user: String, transaction: UInt64) -> Bool {
        if erased(user, after: transaction) { return false }
        var entry = entries.peek(user) ?? UserHistories.Entry(revision: everDropped ? highestRevision : 0, notes: missesReadStore ? .incomplete : nil)
        if entry.notes?.readIn?.sees(transaction) == true { return true }
        entry.append(item, limit: limit)
        store(entry, for: user)
        return true
    }

    /// Files `entry` as the newest used; a generation dropped to make room means memory no longer
    /// holds every history.
    mutating func store(_ entry: UserHistories.Entry, for user: String) {
        highestRevision = max(highestRevision, entry.revision)
        put(entry, for: user)
    }

    /// Files `entry` as the newest used, its revision left to the caller.
    mutating func put(_ entry: UserHistories.Entry, for user: String) {
        noteDropped(entries.set(user, entry))
    }

    /// Replays, onto a history being loaded, an event its read did not see; a user the read left
    /// out (or this load dropped) gets an incomplete entry.
    mutating func replay(_ item: String, to user: String, complete: Bool) {
        var entry = entries.peek(user) ?? UserHistories.Entry(notes: complete && !missesReadStore ? nil : .incomplete)
        entry.append(item, limit: limit)
        put(entry, for: user)
    }

    /// Whether `user` was erased by a transaction later than `transaction` (since the last load
    /// that saw the erasure): events `transaction` stored for them were deleted.
    func erased(_ user: String, after transaction: UInt64) -> Bool { erasures[user].map { transaction < $0 } ?? false }

    /// `user`'s entry, now the newest used.
    mutating func touch(_ user: String) -> UserHistories.Entry? {
        let (entry, dropped) = entries.touch(user)
        noteDropped(dropped)
        return entry
    }

    /// Installs a history read from the store for `user` alone, with a revision past every
    /// earlier one, unless anything changed since `ticket`; nil when it did not install (or the
    /// store knows the user no more than memory did).
    mutating func install(_ stored: StoredHistory, for user: String, ticket: UserHistories.Ticket) -> UserHistories.Entry? {
        guard epoch == ticket.epoch, entries.peek(user)?.revision == ticket.revision else { return nil }
        guard !stored.items.isEmpty || ticket.revision != nil else { return nil }
        let entry = UserHistories.Entry(
            items: Array(stored.items.suffix(limit)), revision: highestRevision + 1,
            notes: UserHistories.Notes(isComplete: true, readIn: stored.snapshot))
        store(entry, for: user)
        return entry
    }

    /// The revision of `user`'s history as reloaded: unchanged, it keeps the one it had;
    /// otherwise one past every revision it had (or, once users were dropped, anyone had).
    func revision(of user: String, reloaded entry: UserHistories.Entry) -> Int {
        guard let previous = entries.peek(user) else { return (everDropped ? highestRevision : 0) + entry.revision }
        return previous.items == entry.items ? previous.revision : previous.revision + entry.revision
    }

    private mutating func noteDropped(_ dropped: [String: UserHistories.Entry]) {
        guard !dropped.isEmpty else { return }
        (missesReadStore, everDropped, epoch) = (true, true, epoch + 1)
        released.append(dropped)
    }
}
