import Foundation
import NovarecStore
import Synchronization

/// Keeps a replica's live state (users' histories, popularity) in step with the events other
/// replicas store, so a shopper whose events reached one replica gets recommendations that
/// reflect them from every replica behind the load balancer.
///
/// Each replica's event store announces the events it stored on `channel` in the insert's own
/// transaction (`EventAnnouncement`), tagged with the replica's origin id and the transaction's
/// id; every replica listens on a dedicated connection and takes in the events of other
/// origins (its own it took in when it stored them). The feed listens from its creation, before
/// the replica reads the stored interactions, and the histories skip announced events that read
/// already saw, so no event falls between reading and listening or is taken in twice. When the
/// listening connection breaks, the feed listens again and reloads the histories the same way;
/// live popularity is not reloaded, so events stored during such a gap count in it only from
/// the next start.
public final class ReplicaEventFeed: Sendable {
    static let channel = "novarec_events"
    /// PostgreSQL refuses payloads of 8,000 bytes or more.
    static let payloadLimit = 7_900

    /// One payload: an origin, the storing transaction, a chunk number (so two chunks never
    /// look alike) and the events; or, with `notice`, what that transaction removed.
    struct Payload: Codable {
        let origin: String
        let transaction: UInt64
        let chunk: Int
        let events: [[String]]
        var notice: StoreNotice?
    }

    private let origin: String
    private let connect: @Sendable () throws -> PostgresConnection
    private let log: @Sendable (String) -> Void
    /// The connection listening since `init`, until the feeding thread takes it over (it must
    /// hold the only reference: a connection nobody reads would pin PostgreSQL's NOTIFY queue).
    private let subscribed: Mutex<PostgresConnection?>
    private let stopped = Atomic<Bool>(false)
    private let threads = BackgroundThreads()

    /// Starts listening at once (announcements wait on the connection until `start`).
    public init(origin: String, connect: @escaping @Sendable () throws -> PostgresConnection, log: @escaping @Sendable (String) -> Void) throws {
        self.origin = origin
        self.connect = connect
        self.log = log
        let listener = try connect()
        try listener.listen(Self.channel)
        subscribed = Mutex(listener)
    }

    /// What a replica's event store announces: its stored events as `[user, item]` pairs in
    /// time order, in payloads under PostgreSQL's limit.
    public static func announcement(origin: String) -> EventAnnouncement {
        EventAnnouncement(channel: channel) { stored, transaction in
            var payloads: [String] = []
            var chunk: [[String]] = []
            var size = 0
            func flush() {
                guard !chunk.isEmpty else { return }
                let payload = Payload(origin: origin, transaction: transaction, chunk: payloads.count, events: chunk)
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
        } notice: { notice, transaction in
            let payload = Payload(origin: origin, transaction: transaction, chunk: 0, events: [], notice: notice)
            return String(decoding: (try? JSONEncoder().encode(payload)) ?? Data(), as: UTF8.self)
        }
    }

    /// Feeds `engine` on a thread of its own until `stop()`, beginning with what was announced
    /// since the feed was created.
    public func start(feeding engine: RecommendationEngine) {
        threads.start("event feed") { [self] in listen(feeding: engine) }
    }

    /// Stops feeding and waits for the feeding thread (at most about a second).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        threads.join()
    }

    private func listen(feeding engine: RecommendationEngine) {
        var listener = subscribed.withLock { $0.take() }
        while !stopped.load(ordering: .relaxed) {
            do {
                if listener == nil { listener = try resubscribe(reloading: engine) }
                take(try listener!.notifications(timeout: 1).map(\.payload), into: engine)
            } catch {
                log("event feed: \(error); reconnecting in 1 s")
                listener = nil
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Listens on a new connection, then reloads the histories from the store: events stored
    /// while no connection listened are in that read, and later ones are announced.
    private func resubscribe(reloading engine: RecommendationEngine) throws -> PostgresConnection {
        let listener = try connect()
        try listener.listen(Self.channel)
        let read = try engine.reloadHistories { try EventStore(database: connect()).storedInteractions() }
        log("event feed reconnected; histories reloaded from \(read) stored interactions")
        return listener
    }

    /// An erasure another replica made (this one's own already took effect), or expired events
    /// (whoever deleted them): the histories are read again, as after a reconnect.
    private func take(_ notice: StoreNotice, transaction: UInt64, fromOrigin sender: String, into engine: RecommendationEngine) {
        switch notice {
        case .erased(let user):
            if sender != origin { engine.forget(user: user, transaction: transaction) }
        case .expired:
            do {
                let read = try engine.reloadHistories { try EventStore(database: connect()).storedInteractions() }
                log("expired events removed; histories reloaded from \(read) stored interactions")
            } catch {
                log("event feed: reloading histories after expiry failed: \(error)")
            }
        }
    }

    func take(_ payloads: [String], into engine: RecommendationEngine) {
        for text in payloads {
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(text.utf8)) else {
                log("event feed: skipped an announcement it cannot read (from a replica of another version?): \(text.prefix(120))")
                continue
            }
            if let notice = payload.notice {
                take(notice, transaction: payload.transaction, fromOrigin: payload.origin, into: engine)
                continue
            }
            guard payload.origin != origin else { continue }
            engine.accept(payload.events.compactMap { $0.count == 2 ? (user: $0[0], item: $0[1]) : nil }, transaction: payload.transaction)
        }
    }
}
