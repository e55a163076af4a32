import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// Session advisory locks between two sessions on one real database.
struct AdvisoryLockTests {
    @Test func theLockIsExclusiveAndReleasedWhenItsConnectionCloses() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let other = try PostgresConnection(database)
        var holder: PostgresConnection? = try PostgresConnection(database)
        #expect(try holder?.tryAdvisoryLock(42) == true)
        #expect(try other.tryAdvisoryLock(42) == false)
        holder = nil
        #expect(try eventually { try other.tryAdvisoryLock(42) }, "the server releases it once the session has ended")
        #expect(try other.advisoryUnlock(42))
        #expect(try other.advisoryUnlock(42) == false)
    }

    @Test func unlockingHandsTheLockOver() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let first = try PostgresConnection(database)
        let second = try PostgresConnection(database)
        #expect(try first.tryAdvisoryLock(7))
        #expect(try second.tryAdvisoryLock(7) == false)
        #expect(try first.advisoryUnlock(7))
        #expect(try second.tryAdvisoryLock(7))
    }

    @Test func anySessionSeesWhetherALockIsHeld() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let holder = try PostgresConnection(database)
        let observer = try PostgresConnection(database)
        let key: Int64 = 0x6E_6F76_6172_6563
        let elsewhere = try PostgresConnection(ThrowawayPostgres.freshDatabase())
        #expect(try elsewhere.tryAdvisoryLock(key))
        #expect(try observer.isAdvisoryLockHeld(key) == false, "a lock in another database is another lock")
        #expect(try holder.tryAdvisoryLock(key))
        #expect(try observer.isAdvisoryLockHeld(key))
        #expect(try observer.isAdvisoryLockHeld(key + 1) == false, "another key, even one sharing the high half")
        #expect(try observer.isAdvisoryLockHeld(-key) == false)
        #expect(try holder.advisoryUnlock(key))
        #expect(try observer.isAdvisoryLockHeld(key) == false)
        #expect(try holder.tryAdvisoryLock(-7))
        #expect(try observer.isAdvisoryLockHeld(-7), "negative keys too")
    }
}
