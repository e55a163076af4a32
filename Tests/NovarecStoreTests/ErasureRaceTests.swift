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
        let (database, store, inserting) = try Self.sessionHoldingZoe(exclusive: false)
        try inserting.query(
            "INSERT INTO events (event_id, user_id, item_id, type, ts) VALUES (gen_random_uuid(), $1, 'sku1', 'view', to_timestamp($2))",
            [Self.zoe, String(Self.before.timeIntervalSince1970)])
        let erased = try whileHolding(inserting, in: database) { try? store.erase(user: Self.zoe).eventsDeleted }
        #expect(erased == 1)
        #expect(try store.count() == 0)
    }

    /// An erasure deleted but not yet committed: the insert waits for it, then refuses the
    /// shopper's events dated before it.
    @Test func anInsertWaitsForAnErasureInProgressAndRefusesOldEvents() throws {
        let (database, store, erasing) = try Self.sessionHoldingZoe(exclusive: true)
        try erasing.query("DELETE FROM events WHERE user_id = $1", [Self.zoe])
        try erasing.query("INSERT INTO erasures (user_id, erased_at) VALUES ($1, now())", [Self.zoe])
        let stored = try whileHolding(erasing, in: database) { try? store.insert([Self.oldEvent()]).stored }
        #expect(stored == 0)
        #expect(try store.count() == 0)
    }

    /// A fresh database, a store on it, and another session in a transaction holding zoe's lock
    /// as an insert (shared) or an erasure (exclusive) would.
    private static func sessionHoldingZoe(exclusive: Bool) throws -> (database: String, store: EventStore, holder: PostgresConnection) {
        let database = try ThrowawayPostgres.freshDatabase()
        let holder = try PostgresConnection(database)
        try holder.query("BEGIN")
        try holder.query("SELECT \(EventStore.lockShopper(exclusive: exclusive)) FROM (SELECT $1::text AS u) AS shopper", [zoe])
        return (database, EventStore(database: try PostgresConnection(database)), holder)
    }

    /// Runs the store's side on a thread while `holder`'s transaction is open, checks that it
    /// comes to wait for the lock `holder` holds, commits `holder` and returns what the store's
    /// side returned.
    private func whileHolding(_ holder: PostgresConnection, in database: String, _ storeSide: @escaping @Sendable () -> Int?) throws -> Int? {
        let result = Mutex<Int?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            defer { finished.signal() }
            let value = storeSide()
            result.withLock { $0 = value }
        }.start()
        #expect(try waitsOnAShopperLock(database), "the store's side waits for the transaction in progress")
        try holder.query("COMMIT")
        finished.wait()
        return result.withLock { $0 }
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
