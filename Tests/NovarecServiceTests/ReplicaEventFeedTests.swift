import Foundation
import NovarecStore
import Synchronization
import NovarecTestSupport
import Testing
@testable import NovarecService

/// Events stored through one replica reach the live state of the others.
struct ReplicaEventFeedTests {
    /// Two replicas (origins "a" and "b") on one database, each fed the other's events.
    final class ReplicaPair {
        let a: ServiceTests.Fixture
        let b: ServiceTests.Fixture
        private let feeds: [ReplicaEventFeed]

        init() throws {
            let database = try ThrowawayPostgres.freshDatabase()
            a = try ServiceTests.Fixture(database: database, origin: "a")
            b = try ServiceTests.Fixture(database: database, origin: "b")
            feeds = try [("a", a), ("b", b)].map { origin, fixture in
                let feed = try ReplicaEventFeed(origin: origin, connect: { try PostgresConnection(database) }, log: { _ in })
                feed.start(feeding: fixture.service.engine)
                return feed
            }
        }

        deinit { for feed in feeds { feed.stop() } }
    }

    @Test func anEventPostedToOneReplicaShapesAnothersRecommendations() throws {
        let pair = try ReplicaPair()
        let (a, b) = (pair.a, pair.b)
        #expect(try b.request("GET", "/v1/recommendations?user_id=zoe").body["fallback"] as? Bool == true)
        let posted = try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("zoe", "sku4", 1), ("zoe", "sku8", 2)]))
        #expect(posted.status == 202)
        #expect(try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("zoe", "sku4", 1)])).status == 202, "a second item view")
        #expect(
            eventually { b.service.engine.histories.history(of: "zoe") == ["sku4", "sku8", "sku4"] }, "\(b.service.engine.histories.history(of: "zoe") ?? [])")
        #expect(a.service.engine.histories.history(of: "zoe") == ["sku4", "sku8", "sku4"], "a replica takes in its own events once")
        let answer = try b.request("GET", "/v1/recommendations?user_id=zoe").body
        #expect(answer["fallback"] as? Bool == false)
        let items = (answer["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(!items.contains("sku4") && !items.contains("sku8"), "seen items are left out on the other replica too")
    }

    @Test func payloadsStayUnderTheLimitAndKeepEveryEventInOrder() throws {
        let events = (0..<600).map { index in
            BehaviourEvent(
                eventID: UUID(), userID: "user-\(index % 7)-" + String(repeating: "ü\"", count: index % 40), itemID: "item\(index)",
                kind: .view, timestamp: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
        let payloads = ReplicaEventFeed.announcement(origin: "o").payloads(events.shuffled(), 4_321)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count < 8_000 })
        #expect(Set(payloads).count == payloads.count, "no two payloads alike")
        let decoded = try payloads.map { try JSONDecoder().decode(ReplicaEventFeed.Payload.self, from: Data($0.utf8)) }
        #expect(decoded.flatMap(\.events) == events.map { [$0.userID, $0.itemID] })
        #expect(decoded.allSatisfy { $0.transaction == 4_321 && $0.origin == "o" })
    }

    /// Events stored before the read, between the read and the start, while the listening
    /// connection is down, and by this replica itself during the reload that follows each reach
    /// the histories exactly once, in order. The feed's connections are gated, so each event is
    /// stored at the moment the test names.
    @Test func noEventFallsBetweenReadingAndListeningOrIsTakenTwice() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let other = EventStore(database: try PostgresConnection(database), announcement: ReplicaEventFeed.announcement(origin: "a"))
        let own = EventStore(database: try PostgresConnection(database), announcement: ReplicaEventFeed.announcement(origin: "b"))
        func event(_ item: String, at second: Double) -> BehaviourEvent {
            BehaviourEvent(eventID: UUID(), userID: "zoe", itemID: item, kind: .view, timestamp: Date(timeIntervalSince1970: 1_700_000_000 + second))
        }
        func store(_ item: String, at second: Double) throws {
            #expect(try other.insert([event(item, at: second)]).stored == 1)
        }
        // Connections after the first wait for the test: the second is the new listener, the
        // third the reload's read.
        let connections = Mutex(0)
        let gates = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let messages = Mutex<[String]>([])
        let feed = try ReplicaEventFeed(
            origin: "b",
            connect: {
                let number = connections.withLock { count in
                    count += 1
                    return count
                }
                if (2...3).contains(number) { _ = gates[number - 2].wait(timeout: .now() + 60) }
                return try PostgresConnection(database)
            }, log: { line in messages.withLock { $0.append(line) } })
        defer { feed.stop() }
        try store("heard-and-read", at: 1)
        let service = try ServiceBootstrap.make(store: own, interactions: try own.storedInteractions(), checkpoint: nil)
        try store("heard-after-the-read", at: 2)
        feed.start(feeding: service.engine)
        #expect(
            eventually { service.engine.histories.history(of: "zoe") == ["heard-and-read", "heard-after-the-read"] },
            "\(service.engine.histories.history(of: "zoe") ?? [])")
        #expect(service.engine.histories.entry(of: "zoe")?.revision == 2)

        try PostgresConnection(database).query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        #expect(eventually { connections.withLock { $0 } == 2 }, "the feed noticed and is reconnecting")
        try store("stored-while-deaf", at: 3)
        gates[0].signal()
        #expect(eventually { connections.withLock { $0 } == 3 }, "the feed listens again and begins its reload")
        let mine = try own.insert([event("own-during-the-reload", at: 4)])
        service.engine.accept([("zoe", "own-during-the-reload")], transaction: try #require(mine.transaction))
        gates[1].signal()
        #expect(eventually { messages.withLock { $0.contains { $0.contains("histories reloaded") } } }, "\(messages.withLock { $0 })")
        try store("heard-after-reconnecting", at: 5)
        #expect(eventually { service.engine.histories.history(of: "zoe")?.count == 5 })
        #expect(
            service.engine.histories.history(of: "zoe") == [
                "heard-and-read", "heard-after-the-read", "stored-while-deaf", "own-during-the-reload", "heard-after-reconnecting"
            ])
        // 3 before the reload, moved on by the 4 items read, then one more.
        #expect(service.engine.histories.entry(of: "zoe")?.revision == 8)
    }
}
