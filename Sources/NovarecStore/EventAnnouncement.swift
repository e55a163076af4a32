/// Notifications an insert sends in its own transaction about the events it stored (duplicates
/// left out), so that listeners, such as other replicas keeping live state, hear of exactly the
/// committed events, once each, in commit order. `payloads` gets the events and the id of the
/// transaction storing them (which a listener compares with the `PostgresSnapshot` of what it
/// read from the store). PostgreSQL limits a payload to 8,000 bytes; `payloads` splits the
/// events accordingly, and must not make two identical payloads (the server delivers those once).
public struct EventAnnouncement: Sendable {
    public let channel: String
    public let payloads: @Sendable (_ stored: [BehaviourEvent], _ transaction: UInt64) -> [String]
    /// The payload announcing that `transaction` removed stored events (`StoreNotice`).
    public let notice: @Sendable (_ notice: StoreNotice, _ transaction: UInt64) -> String

    public init(
        channel: String, payloads: @escaping @Sendable (_ stored: [BehaviourEvent], _ transaction: UInt64) -> [String],
        notice: @escaping @Sendable (_ notice: StoreNotice, _ transaction: UInt64) -> String = { "\($1) \($0)" }
    ) {
        self.channel = channel
        self.payloads = payloads
        self.notice = notice
    }
}

/// Stored events went away: listeners holding live state built from them must drop it.
public enum StoreNotice: Sendable, Equatable, Codable {
    /// Every event of one shopper (`EventStore.erase`).
    case erased(user: String)
    /// Every event older than the retention period (`EventStore.expire`).
    case expired
}
