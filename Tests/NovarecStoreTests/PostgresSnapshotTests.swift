import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

struct PostgresSnapshotTests {
    @Test func parsesTheTextForm() {
        #expect(PostgresSnapshot("10:20:12,15") == PostgresSnapshot(xmin: 10, xmax: 20, running: [12, 15]))
        #expect(PostgresSnapshot("7:7:") == PostgresSnapshot(xmin: 7, xmax: 7))
    }

    @Test(arguments: ["", "10:20", "10:20:x", "20:10:", "10:20:25", "10:20:9", "-1:2:", "10:20:12,,15"])
    func rejectsWhatIsNotASnapshot(text: String) {
        #expect(PostgresSnapshot(text) == nil)
    }

    @Test func seesExactlyTheTransactionsThatHadEnded() {
        let snapshot = PostgresSnapshot(xmin: 10, xmax: 20, running: [15])
        #expect(snapshot.sees(3) && snapshot.sees(10) && snapshot.sees(19))
        #expect(!snapshot.sees(15) && !snapshot.sees(20) && !snapshot.sees(400))
    }

    /// Against a real PostgreSQL: a read's snapshot sees the insert committed before it, not the
    /// one still open during it nor one made after it, and its rows agree.
    @Test func aReadsSnapshotAgreesWithItsRows() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let store = EventStore(database: try PostgresConnection(database))
        func event(_ item: String) -> BehaviourEvent {
            BehaviourEvent(eventID: UUID(), userID: "u", itemID: item, kind: .view, timestamp: Date(timeIntervalSince1970: 1_700_000_000))
        }
        let before = try #require(try store.insert([event("before")]).transaction)
        let open = try PostgresConnection(database)
        try open.query("BEGIN")
        try open.query("INSERT INTO events (event_id, user_id, item_id, type, ts) VALUES (gen_random_uuid(), 'u', 'open', 'view', now())")
        let during = try #require(open.query("SELECT pg_current_xact_id()::text").scalar.flatMap { UInt64($0) })
        let read = try store.storedInteractions().collect()
        try open.query("COMMIT")
        let after = try #require(try store.insert([event("after")]).transaction)
        #expect(read.rows.map(\.item) == ["before"])
        #expect(read.snapshot.sees(before))
        #expect(!read.snapshot.sees(during) && !read.snapshot.sees(after))
        #expect(try store.storedInteractions().collect().snapshot.sees(during))
    }
}
