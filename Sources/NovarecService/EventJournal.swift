import NovarecStore

/// Where the engine makes behaviour events durable before it takes them in: the event store in
/// the service, nothing in an offline engine. Keeps the engine free of SQL.
public protocol EventJournal: Sendable {
    /// Stores a batch in one transaction; returns only after the commit.
    func insert(_ events: [BehaviourEvent]) throws -> EventStore.InsertResult
    /// Deletes every event of `user` and records the erasure, in one transaction.
    func erase(user: String) throws -> EventStore.ErasureResult
    /// `user`'s newest `limit` interactions (impressions left out), oldest first, and the snapshot
    /// they were read in: the history of a user memory no longer holds.
    func recentHistory(of user: String, limit: Int) throws -> StoredHistory
    /// True when the journal answers now (readiness probes).
    func isReachable() -> Bool
}

extension EventStore: EventJournal {}
