import Foundation
import NovarecStore
import Synchronization
import Testing
@testable import NovarecService

/// Events stored through one replica reach the live state of the others.
struct ReplicaEventFeedTests {
    @Test func anEventPostedToOneReplicaShapesAnothersRecommendations() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let a = try ServiceTests.Fixture(database: database, origin: "a"), b = try ServiceTests.Fixture(database: database, origin: "b")
        let feeds = try [("a", a), ("b", b)].map { origin, fixture in
            let feed = try ReplicaEventFeed(origin: origin, connect: { try PostgresConnection(database) }, log: { _ in })
            feed.start(feeding: fixture.service)
            return feed
        }
        defer { for feed in feeds { feed.stop() } }
        #expect(try b.request("GET", "/v1/recommendations?user_id=zoe").body["fallback"] as? Bool == true)
        let posted = try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("zoe", "sku4", 1), ("zoe", "sku8", 2)]))
        #expect(posted.status == 202)
        #expect(try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("zoe", "sku4", 1)])).status == 202, "a second item view")
        #expect(eventually { b.service.histories.history(of: "zoe") == ["sku4", "sku8", "sku4"] }, "\(b.service.histories.history(of: "zoe") ?? [])")
        #expect(a.service.histories.history(of: "zoe") == ["sku4", "sku8", "sku4"], "a replica takes in its own events once")
        let answer = try b.request("GET", "/v1/recommendations?user_id=zoe").body
        #expect(answer["fallback"] as? Bool == false)
        let items = (answer["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(!items.contains("sku4") && !items.contains("sku8"), "seen items are left out on the other replica too")
    }

    @Test func payloadsStayUnderTheLimitAndKeepEveryEventInOrder() throws {
        let events = (0..<600).map { index in
            BehaviourEvent(eventID: UUID(), userID: "user-\(index % 7)-" + String(repeating: "ü\"", count: index % 40), itemID: "item\(index)",
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

    /// Events stored before the read, between the read and the start, and while the listening
    /// connection is down each reach the histories exactly once.
    @Test func noEventFallsBetweenReadingAndListeningOrIsTakenTwice() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let other = EventStore(connection: try PostgresConnection(database), announcement: ReplicaEventFeed.announcement(origin: "a"))
        func store(_ item: String, at second: Double) throws {
            let event = BehaviourEvent(eventID: UUID(), userID: "zoe", itemID: item, kind: .view, timestamp: Date(timeIntervalSince1970: 1_700_000_000 + second))
            #expect(try other.insert([event]).stored == 1)
        }
        let messages = Mutex<[String]>([])
        let feed = try ReplicaEventFeed(origin: "b", connect: { try PostgresConnection(database) }, log: { line in messages.withLock { $0.append(line) } })
        defer { feed.stop() }
        try store("heard-and-read", at: 1)
        let own = EventStore(connection: try PostgresConnection(database), announcement: ReplicaEventFeed.announcement(origin: "b"))
        let service = try ServiceBootstrap.make(store: own, interactions: try own.storedInteractions(), checkpoint: nil)
        try store("heard-after-the-read", at: 2)
        feed.start(feeding: service)
        #expect(eventually { service.histories.history(of: "zoe") == ["heard-and-read", "heard-after-the-read"] }, "\(service.histories.history(of: "zoe") ?? [])")
        let revision = try #require(service.histories.entry(of: "zoe")?.revision)

        let admin = try PostgresConnection(database)
        try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        try store("stored-while-deaf", at: 3)
        #expect(eventually(seconds: 20) { messages.withLock { $0.contains { $0.contains("reconnected") } } }, "\(messages.withLock { $0 })")
        try store("heard-after-reconnecting", at: 4)
        #expect(eventually { service.histories.history(of: "zoe")?.count == 4 })
        #expect(service.histories.history(of: "zoe") == ["heard-and-read", "heard-after-the-read", "stored-while-deaf", "heard-after-reconnecting"])
        #expect(try #require(service.histories.entry(of: "zoe")?.revision) > revision + 1, "a reload moves revisions on")
    }

    private func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        for _ in 0..<Int(seconds * 20) where !condition() { Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }
}
