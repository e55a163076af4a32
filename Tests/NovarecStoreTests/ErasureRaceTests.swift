import Foundation
import NovarecTestSupport
import Synchronization
import Testing
@testable import NovarecStore

/// An erasure and an insert of the same shopper running at once, on a real PostgreSQL: whichever
/// order they commit in, none of the shopper's events dated before the erasure is left stored.
/// One side is played by hand on its own session and held open at the moment that matters; the
/// store's side must wait for it (seen in `pg_stat_activity`), then do the right thing.
struct ErasureRaceTests {
    private static let zoe = "zoe"
    private static let before = Date(timeIntervalSince1970: 1_700_000_000)

    private static func oldEvent() -> BehaviourEvent {
        BehaviourEvent(eventID: UUID(), userID: zoe, itemID: "sku1", kind: .view, timestamp: before)
    }

    /// An insert written but not yet committed: the erasure waits for it, then deletes its event.
    @Test func anErasureWaitsForAnInsertInProgressAndDeletesItsEvents() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let store = EventStore(database: try PostgresConnection(database))
        let inserting = try PostgresConnection(database)
        try inserting.query("BEGIN")
        try inserting.query("SELECT \(EventStore.lockShopper(exclusive: false)) FROM (SELECT $1::text AS u) AS shopper", [Self.zoe])
        try inserting.query(
            "INSERT INTO events (event_id, user_id, item_id, type, ts) VALUES (gen_random_uuid(), $1, 'sku1', 'view', to_timestamp($2))",
            [Self.zoe, String(Self.before.timeIntervalSince1970)])
        let erased = Mutex<Int?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            defer { finished.signal() }
            let result = try? store.erase(user: Self.zoe)
            erased.withLock { $0 = result?.eventsDeleted }
        }.start()
        #expect(try waitsOnAShopperLock(database), "the erasure waits for the insert")
        try inserting.query("COMMIT")
        finished.wait()
        #expect(erased.withLock { $0 } == 1)
        #expect(try store.count() == 0)
    }

    /// An erasure deleted but not yet committed: the insert waits for it, then refuses the
    /// shopper's events dated before it.
    @Test func anInsertWaitsForAnErasureInProgressAndRefusesOldEvents() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let store = EventStore(database: try PostgresConnection(database))
        let erasing = try PostgresConnection(database)
        try erasing.query("BEGIN")
        try erasing.query("SELECT \(EventStore.lockShopper(exclusive: true)) FROM (SELECT $1::text AS u) AS shopper", [Self.zoe])
        try erasing.query("DELETE FROM events WHERE user_id = $1", [Self.zoe])
        try erasing.query("INSERT INTO erasures (user_id, erased_at) VALUES ($1, now())", [Self.zoe])
        let stored = Mutex<Int?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            defer { finished.signal() }
            let result = try? store.insert([Self.oldEvent()])
            stored.withLock { $0 = result?.stored }
        }.start()
        #expect(try waitsOnAShopperLock(database), "the insert waits for the erasure")
        try erasing.query("COMMIT")
        finished.wait()
        #expect(stored.withLock { $0 } == 0)
        #expect(try store.count() == 0)
    }

    /// Whether some session comes to wait on an advisory lock (within the usual 15 s).
    private func waitsOnAShopperLock(_ database: String) throws -> Bool {
        let observer = try PostgresConnection(database)
        return try eventually {
            let waiting = try observer.query(
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                """)
            return waiting.scalar != "0"
        }
    }
}
