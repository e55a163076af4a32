/// Notifications an insert sends in its own transaction about the events it stored (duplicates
/// left out), so that listeners, such as other replicas keeping live state, hear of exactly the
/// committed events, once each, in commit order. `payloads` gets the events and the id of the
/// transaction storing them (which a listener compares with the `PostgresSnapshot` of what it
/// read from the store). PostgreSQL limits a payload to 8,000 bytes; `payloads` splits the
/// events accordingly, and must not make two identical payloads (the server delivers those once).
public struct EventAnnouncement: Sendable {
    public let channel: String
    public let payloads: @Sendable (_ stored: [BehaviourEvent], _ transaction: UInt64) -> [String]
    /// The payload announcing that `user` was erased by `transaction`.
    public let erasure: @Sendable (_ user: String, _ transaction: UInt64) -> String

    public init(channel: String, payloads: @escaping @Sendable (_ stored: [BehaviourEvent], _ transaction: UInt64) -> [String],
                erasure: @escaping @Sendable (_ user: String, _ transaction: UInt64) -> String = { "\($1) erased \($0)" }) {
        self.channel = channel
        self.payloads = payloads
        self.erasure = erasure
    }
}
