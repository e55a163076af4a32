import CLibPQ
import Foundation
import Synchronization

/// One libpq connection. libpq lets a connection move between threads but not be used by two at
/// once, which the mutex enforces; every value goes to the server as a bound parameter, never
/// spliced into SQL text.
public final class PostgresConnection: Sendable {
    /// The raw `PGconn*`, only touched under the mutex.
    struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

    private let handle: Mutex<Handle>

    /// Connects with a libpq connection string (`host=/tmp/dir port=5432 dbname=novarec`) or URL;
    /// `settings` give the timeouts and keepalives unless the string sets them itself.
    public init(_ connectionString: String, settings: ConnectionSettings = ConnectionSettings()) throws(PostgresError) {
        let parameters = settings.parameters + [("dbname", connectionString)]
        let pointer = Self.withCStrings(parameters.map(\.0)) { keywords in
            Self.withCStrings(parameters.map(\.1)) { values in PQconnectdbParams(keywords + [nil], values + [nil], 1) }
        }
        guard let pointer else { throw PostgresError("out of memory creating a connection") }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(pointer)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(pointer)
            throw PostgresError("cannot connect to PostgreSQL: \(message)", isUnavailable: true)
        }
        // Server notices ("relation already exists, skipping") would go to stderr unasked.
        PQsetNoticeProcessor(pointer, { _, _ in }, nil)
        handle = Mutex(Handle(pointer: pointer))
    }

    deinit {
        handle.withLock { PQfinish($0.pointer) }
    }

    /// False once libpq saw the connection break (the server went away, a keepalive failed):
    /// such a connection never works again and must be replaced.
    public var isOpen: Bool { withConnection { PQstatus($0) == CONNECTION_OK } }

    /// Runs one statement with text parameters (`$1`, `$2`, ... ; nil is SQL NULL) and returns
    /// its rows as text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        try withConnection { connection throws(PostgresError) in try Self.execute(connection, sql, parameters) }
    }

    /// Runs `body` inside BEGIN/COMMIT on this connection; any error rolls back.
    @discardableResult
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try withConnection { connection in
            try Self.execute(connection, "BEGIN", [])
            do {
                let result = try body(Transaction(connection: connection))
                try Self.execute(connection, "COMMIT", [])
                return result
            } catch {
                _ = try? Self.execute(connection, "ROLLBACK", [])
                throw error
            }
        }
    }

    /// Streams `data` (COPY text format) into `COPY ... FROM STDIN`; returns the rows loaded.
    @discardableResult
    public func copyIn(_ sql: String, data: Data) throws(PostgresError) -> Int {
        try withConnection { connection throws(PostgresError) in try CopyProtocol.copyIn(connection, sql, data: data) }
    }

    /// Runs `COPY ... TO STDOUT` and returns everything it produced (COPY text format).
    public func copyOut(_ sql: String) throws(PostgresError) -> Data {
        try withConnection { connection throws(PostgresError) in try CopyProtocol.copyOut(connection, sql) }
    }

    /// Runs `body` with the raw connection under the mutex (keep it short: it blocks every other
    /// user of this connection).
    func withConnection<T, E: Error>(_ body: (OpaquePointer) throws(E) -> T) throws(E) -> T {
        try handle.withLock { (handle: inout Handle) throws(E) -> T in try body(handle.pointer) }
    }

    @discardableResult
    static func execute(_ connection: OpaquePointer, _ sql: String, _ parameters: [String?]) throws(PostgresError) -> QueryResult {
        let result = Self.withCStrings(parameters) { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        do {
            return try QueryResult(result, connection: connection)
        } catch {
            throw error.marking(connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
    }

    private static func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = strings.map { $0.map { strdup($0)! } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

/// The connection inside `PostgresConnection.transaction`, for statements of that transaction.
public struct Transaction {
    let connection: OpaquePointer

    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        try PostgresConnection.execute(connection, sql, parameters)
    }

    /// `COPY ... FROM STDIN` inside the transaction; returns the rows loaded.
    @discardableResult
    public func copyIn(_ sql: String, data: Data) throws(PostgresError) -> Int {
        try CopyProtocol.copyIn(connection, sql, data: data)
    }

    /// `COPY ... TO STDOUT` inside the transaction (COPY text format).
    public func copyOut(_ sql: String) throws(PostgresError) -> Data {
        try CopyProtocol.copyOut(connection, sql)
    }

    /// `COPY ... TO STDOUT` inside the transaction, each row (COPY text format, with its
    /// newline) handed to `row` as it arrives, so the whole output is never held.
    public func copyOut(_ sql: String, row: (UnsafeRawBufferPointer) -> Void) throws(PostgresError) {
        try CopyProtocol.copyOut(connection, sql, row: row)
    }
}
