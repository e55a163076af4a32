import Foundation
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// `DELETE /v1/users/{id}` on one of two replicas sharing a database: the events are gone from
/// PostgreSQL, both replicas forget the shopper at once, and neither a retried old batch, a
/// reload nor a restart's read brings them back.
struct ErasureTests {
    @Test func anErasedShopperIsGoneEverywhereAndStaysGone() throws {
        let pair = try ReplicaEventFeedTests.ReplicaPair()
        let (a, b) = (pair.a, pair.b)
        let ids = [UUID(), UUID()]
        let batch = ServiceTests.eventsJSON([("zoe", "sku4", 1), ("zoe", "sku8", 2)], ids: ids)
        #expect(try a.request("POST", "/v1/events", json: batch).status == 202)
        #expect(try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("max", "sku4", 3)])).status == 202)
        #expect(eventually { b.service.engine.histories.history(of: "zoe") == ["sku4", "sku8"] })

        let erased = try a.request("DELETE", "/v1/users/zoe")
        #expect(erased.status == 202)
        #expect(erased.body["events_deleted"] as? Int == 2)
        let store = a.store
        #expect(try store.interactions().map(\.user) == ["max"], "only the other shopper's events are left for training")
        #expect(a.service.engine.histories.history(of: "zoe") == nil)
        #expect(eventually(timeout: 1) { b.service.engine.histories.history(of: "zoe") == nil }, "the other replica forgets within a second")
        for fixture in [a, b] {
            #expect(try fixture.request("GET", "/v1/recommendations?user_id=zoe").body["fallback"] as? Bool == true)
        }

        let retried = try b.request("POST", "/v1/events", json: batch)
        #expect(retried.status == 202)
        #expect(retried.body["stored"] as? Int == 0, "a retried batch from before the erasure stores nothing")
        #expect(try store.interactions().map(\.user) == ["max"])
        _ = try b.service.engine.reloadHistories { try store.storedInteractions() }
        #expect(b.service.engine.histories.history(of: "zoe") == nil, "a reload does not bring the shopper back")

        #expect(
            try b.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("zoe", "sku12", 4)], day: ServiceTests.today))
                .status == 202)
        #expect(b.service.engine.histories.history(of: "zoe") == ["sku12"], "a shopper who comes back after the erasure starts afresh")
        #expect(try a.request("DELETE", "/v1/users/nobody").body["events_deleted"] as? Int == 0, "erasing an unknown shopper is harmless")
    }
}

/// Retention: events older than the period are deleted and every replica reloads its histories.
struct RetentionTests {
    @Test func expiredEventsLeaveTheStoreAndEveryReplicasMemory() throws {
        let pair = try ReplicaEventFeedTests.ReplicaPair()
        let (a, b) = (pair.a, pair.b)
        let old = ServiceTests.eventsJSON([("ada", "sku4", 1)]).replacingOccurrences(of: "2026-11-29", with: "2001-01-01")
        #expect(try a.request("POST", "/v1/events", json: old).status == 202)
        #expect(
            try a.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("bob", "sku8", 2)], day: ServiceTests.today))
                .status == 202)
        #expect(eventually { b.service.engine.histories.history(of: "ada") == ["sku4"] })
        let store = EventStore(database: a.store.database, announcement: ReplicaEventFeed.announcement(origin: "trainer"))
        #expect(try store.expire(olderThanDays: 365) == 1)
        #expect(try store.interactions().map(\.user) == ["bob"])
        for fixture in [a, b] {
            #expect(eventually { fixture.service.engine.histories.history(of: "ada") == nil }, "every replica drops expired events")
            #expect(fixture.service.engine.histories.history(of: "bob") == ["sku8"])
        }
        #expect(try store.expire(olderThanDays: 365) == 0)
    }
}
