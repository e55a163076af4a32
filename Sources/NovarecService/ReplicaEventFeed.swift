import Foundation
import NovarecStore
import Synchronization

/// Keeps a replica's live state (users' histories, popularity) in step with the events other
/// replicas store, so a shopper whose events reached one replica gets recommendations that
/// reflect them from every replica behind the load balancer.
///
/// Each replica's event store announces the events it stored on `channel` in the insert's own
/// transaction (`EventAnnouncement`), tagged with the replica's origin id; every replica listens
/// on a dedicated connection and takes in the events of other origins (its own it took in when
/// it stored them). A replica whose listening connection broke cannot know what it missed
/// meanwhile: it says so in the log, and those events reach its histories at the next start.
public final class ReplicaEventFeed: Sendable {
    static let channel = "novarec_events"
    /// PostgreSQL refuses payloads of 8,000 bytes or more.
    static let payloadLimit = 7_900

    /// One payload: an origin, a chunk number (so two chunks never look alike) and the events.
    struct Payload: Codable {
        let origin: String
        let chunk: Int
        let events: [[String]]
    }

    private let service: RecommendationService
    private let origin: String
    private let connect: @Sendable () throws -> PostgresConnection
    private let log: @Sendable (String) -> Void
    private let stopped = Atomic<Bool>(false)

    public init(service: RecommendationService, origin: String, connect: @escaping @Sendable () throws -> PostgresConnection,
                log: @escaping @Sendable (String) -> Void) {
        self.service = service
        self.origin = origin
        self.connect = connect
        self.log = log
    }

    /// What a replica's event store announces: its stored events as `[user, item]` pairs in
    /// time order, in payloads under PostgreSQL's limit.
    public static func announcement(origin: String) -> EventAnnouncement {
        EventAnnouncement(channel: channel) { stored in
            var payloads: [String] = [], chunk: [[String]] = [], size = 0
            func flush() {
                guard !chunk.isEmpty else { return }
                let payload = Payload(origin: origin, chunk: payloads.count, events: chunk)
                payloads.append(String(decoding: (try? JSONEncoder().encode(payload)) ?? Data(), as: UTF8.self))
                (chunk, size) = ([], 0)
            }
            for event in stored.sorted(by: { $0.timestamp < $1.timestamp }) {
                // Six bytes per byte of id covers JSON's worst case (a control character becomes \uXXXX).
                let cost = 6 * (event.userID.utf8.count + event.itemID.utf8.count) + 8
                if size + cost > payloadLimit - 200 { flush() }
                chunk.append([event.userID, event.itemID])
                size += cost
            }
            flush()
            return payloads
        }
    }

    /// Listens on a thread of its own until `stop()`.
    public func start() throws {
        let listener = try connect()
        try listener.listen(Self.channel)
        Thread.detachNewThread { [self] in listen(listener) }
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    private func listen(_ first: PostgresConnection) {
        var listener: PostgresConnection? = first
        while !stopped.load(ordering: .relaxed) {
            do {
                if listener == nil {
                    let reconnected = try connect()
                    try reconnected.listen(Self.channel)
                    listener = reconnected
                    log("event feed reconnected: events other replicas stored while it was down reach this replica's histories at its next start")
                }
                take(try listener!.notifications(timeout: 1))
            } catch {
                log("event feed: \(error); reconnecting in 1 s")
                listener = nil
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    func take(_ payloads: [String]) {
        for text in payloads {
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(text.utf8)), payload.origin != origin else { continue }
            service.accept(payload.events.compactMap { $0.count == 2 ? (user: $0[0], item: $0[1]) : nil })
        }
    }
}
