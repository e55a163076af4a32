/// Notifications an insert sends in its own transaction about the events it stored (duplicates
/// left out), so that listeners, such as other replicas keeping live state, hear of exactly the
/// committed events, once each, in commit order. PostgreSQL limits a payload to 8,000 bytes;
/// `payloads` splits the events accordingly, and must not make two identical payloads (the
/// server delivers those once).
public struct EventAnnouncement: Sendable {
    public let channel: String
    public let payloads: @Sendable ([BehaviourEvent]) -> [String]

    public init(channel: String, payloads: @escaping @Sendable ([BehaviourEvent]) -> [String]) {
        self.channel = channel
        self.payloads = payloads
    }
}
