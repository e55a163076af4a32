import Foundation
import NovarecStore
import Testing
@testable import NovarecService

/// Events stored through one replica reach the live state of the others.
struct ReplicaEventFeedTests {
    @Test func anEventPostedToOneReplicaShapesAnothersRecommendations() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let a = try ServiceTests.Fixture(database: database, origin: "a"), b = try ServiceTests.Fixture(database: database, origin: "b")
        let feeds = [("a", a), ("b", b)].map { origin, fixture in
            ReplicaEventFeed(service: fixture.service, origin: origin, connect: { try PostgresConnection(database) }, log: { _ in })
        }
        for feed in feeds { try feed.start() }
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
        let payloads = ReplicaEventFeed.announcement(origin: "o").payloads(events.shuffled())
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count < 8_000 })
        #expect(Set(payloads).count == payloads.count, "no two payloads alike")
        let decoded = try payloads.flatMap { try JSONDecoder().decode(ReplicaEventFeed.Payload.self, from: Data($0.utf8)).events }
        #expect(decoded == events.map { [$0.userID, $0.itemID] })
    }

    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<100 where !condition() { Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }
}
