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

    /// Two transactions waiting on each other (two batches sharing event ids in opposite orders):
    /// PostgreSQL ends one, and the same request can succeed when retried, so it is unavailable
    /// (a 503 with `Retry-After`), not a statement the server refused (a 500).
    @Test func aDeadlockIsUnavailable() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let (first, second) = (try PostgresConnection(database), try PostgresConnection(database))
        try first.query("CREATE TABLE keys (k int PRIMARY KEY)")
        for (connection, key) in [(first, 1), (second, 2)] {
            try connection.query("BEGIN")
            try connection.query("INSERT INTO keys VALUES ($1)", [String(key)])
        }
        let failures = Mutex<[(state: String?, unavailable: Bool)]>([])
        let crossed = DispatchSemaphore(value: 0)
        Thread {
            defer { crossed.signal() }
            if let failure = Self.failure(of: { try first.query("INSERT INTO keys VALUES (2)") }) { failures.withLock { $0.append(failure) } }
        }.start()
        if let failure = Self.failure(of: { try second.query("INSERT INTO keys VALUES (1)") }) { failures.withLock { $0.append(failure) } }
        crossed.wait()
        let failed = failures.withLock { $0 }
        #expect(failed.map(\.state) == ["40P01"], "one of the two is ended")
        #expect(failed.map(\.unavailable) == [true])
    }

    /// The SQLSTATE of what `statement` throws and whether it is unavailable; nil when it succeeds.
    private static func failure(of statement: () throws -> Void) -> (state: String?, unavailable: Bool)? {
        do {
            try statement()
            return nil
        } catch let error as PostgresError {
            return (error.sqlState, error.isUnavailable)
        } catch {
            return ("not a PostgresError: \(error)", false)
        }
    }
}
