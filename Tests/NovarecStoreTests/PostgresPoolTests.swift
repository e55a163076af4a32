import Foundation
import Synchronization
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// The request pool against a real PostgreSQL: reuse, a broken connection replaced, failures
/// marked unavailable with a backoff, a bounded wait for a free connection.
struct PostgresPoolTests {
    @Test func reusesOneConnectionForSequentialWork() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let pool = PostgresPool(database, size: 3)
        let first = try pool.query("SELECT pg_backend_pid()").scalar
        let second = try pool.query("SELECT pg_backend_pid()").scalar
        #expect(first == second)
        #expect(pool.openConnections == 1)
    }

    @Test func aTerminatedConnectionIsReplacedWithoutARestart() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let pool = PostgresPool(database, size: 2)
        let pid = try #require(try pool.query("SELECT pg_backend_pid()").scalar)
        try PostgresConnection(database).query("SELECT pg_terminate_backend($1::int)", [pid])
        let error = #expect(throws: PostgresError.self) { try pool.query("SELECT 1") }
        #expect(error?.isUnavailable == true, "a lost connection is the database's trouble: \(String(describing: error))")
        #expect(pool.openConnections == 0, "the broken connection was dropped")
        let next = try pool.query("SELECT pg_backend_pid()").scalar
        #expect(next != pid)
    }

    @Test func aStatementErrorKeepsTheConnection() throws {
        let pool = PostgresPool(try ThrowawayPostgres.freshDatabase(), size: 1)
        let error = #expect(throws: PostgresError.self) { try pool.query("SELECT * FROM no_such_table") }
        #expect(error?.isUnavailable == false)
        #expect(error?.sqlState == "42P01")
        #expect(try pool.query("SELECT 1").scalar == "1")
        #expect(pool.openConnections == 1)
    }

    @Test func failedConnectsBackOffAndAreUnavailable() throws {
        let attempts = Atomic<Int>(0)
        let pool = PostgresPool(size: 2, acquireTimeout: 0.2) {
            attempts.add(1, ordering: .relaxed)
            throw PostgresError("cannot connect to PostgreSQL: refused", isUnavailable: true)
        }
        for _ in 0..<5 {
            let error = #expect(throws: PostgresError.self) { try pool.query("SELECT 1") }
            #expect(error?.isUnavailable == true)
        }
        #expect(attempts.load(ordering: .relaxed) == 1, "no new attempt before the backoff passed")
        #expect(pool.openConnections == 0)
    }

    @Test func aFullPoolAnswersUnavailableAfterItsWait() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let pool = PostgresPool(size: 1, acquireTimeout: 0.1) { try PostgresConnection(database) }
        try pool.lease { _ in
            let error = #expect(throws: PostgresError.self) { try pool.query("SELECT 1") }
            #expect(error?.isUnavailable == true)
            #expect(error?.message.contains("busy") == true)
        }
    }

    @Test func statementTimeoutsAreUnavailable() throws {
        let pool = PostgresPool(try ThrowawayPostgres.freshDatabase(), size: 1, settings: ConnectionSettings(statementTimeout: 0.1))
        let error = #expect(throws: PostgresError.self) { try pool.query("SELECT pg_sleep(2)") }
        #expect(error?.sqlState == "57014")
        #expect(error?.isUnavailable == true)
    }
}
