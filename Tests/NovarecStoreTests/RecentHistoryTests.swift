import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// One user's newest interactions, read for a history that memory no longer holds.
struct RecentHistoryTests {
    private func event(_ user: String, _ item: String, _ kind: BehaviourEvent.Kind = .view, at seconds: Double) -> BehaviourEvent {
        BehaviourEvent(eventID: UUID(), userID: user, itemID: item, kind: kind, timestamp: Date(timeIntervalSince1970: seconds))
    }

    @Test func theNewestInteractionsInTimeOrderWithoutImpressions() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let batch = [
            event("ann", "c", at: 30), event("ann", "a", at: 10), event("ann", "shown", .impression, at: 40),
            event("ann", "b\t\\", .purchase, at: 20), event("bob", "z", at: 50), event("ann", "d", at: 35)
        ]
        let stored = try #require(try store.insert(batch).transaction)
        let history = try store.recentHistory(of: "ann", limit: 3)
        #expect(history.items == ["b\t\\", "c", "d"])
        #expect(history.snapshot.sees(stored), "the snapshot the items were read in")
        #expect(try store.recentHistory(of: "ann", limit: 10).items == ["a", "b\t\\", "c", "d"])
        let unknown = try store.recentHistory(of: "nobody", limit: 3)
        #expect(unknown.items.isEmpty && unknown.snapshot.sees(stored))
    }

    @Test func theSnapshotMissesATransactionStillOpenDuringTheRead() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let store = EventStore(database: try PostgresConnection(database))
        let open = try PostgresConnection(database)
        try open.query("BEGIN")
        try open.query("INSERT INTO events (event_id, user_id, item_id, type, ts) VALUES (gen_random_uuid(), 'ann', 'late', 'view', now())")
        let during = try #require(open.query("SELECT pg_current_xact_id()::text").scalar.flatMap { UInt64($0) })
        let history = try store.recentHistory(of: "ann", limit: 5)
        try open.query("COMMIT")
        #expect(history.items.isEmpty && !history.snapshot.sees(during))
        #expect(try store.recentHistory(of: "ann", limit: 5).items == ["late"])
    }
}
