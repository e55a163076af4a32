import CLibPQ
import Foundation

/// libpq's COPY sub-protocol: bulk load and bulk read in PostgreSQL's text format.
enum CopyProtocol {
    static let chunkSize = 256 * 1024

    static func copyIn(_ connection: OpaquePointer, _ sql: String, data: Data) throws(PostgresError) -> Int {
        try begin(connection, sql, expecting: PGRES_COPY_IN)
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunkSize, data.count)
            let sent = data[offset..<end].withUnsafeBytes { raw in
                PQputCopyData(connection, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
            }
            guard sent == 1 else { throw failure(connection, "sending COPY data failed") }
            offset = end
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw failure(connection, "ending COPY failed") }
        return try finish(connection)
    }

    static func copyOut(_ connection: OpaquePointer, _ sql: String) throws(PostgresError) -> Data {
        var output = Data()
        try copyOut(connection, sql) { row in output.append(row.assumingMemoryBound(to: UInt8.self)) }
        return output
    }

    /// Runs `COPY ... TO STDOUT` and hands `row` each row (one line of the format, its newline
    /// included) as libpq returns it, one per call: only one row is held at a time.
    static func copyOut(_ connection: OpaquePointer, _ sql: String, row: (UnsafeRawBufferPointer) -> Void) throws(PostgresError) {
        try begin(connection, sql, expecting: PGRES_COPY_OUT)
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            if length > 0, let buffer {
                row(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                PQfreemem(buffer)
                continue
            }
            guard length == -1 else { throw failure(connection, "reading COPY data failed") }
            break
        }
        _ = try finish(connection)
    }

    private static func begin(_ connection: OpaquePointer, _ sql: String, expecting status: ExecStatusType) throws(PostgresError) {
        guard let result = PQexec(connection, sql) else { throw failure(connection, "COPY failed") }
        defer { PQclear(result) }
        guard PQresultStatus(result) == status else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PostgresError(message, sqlState: PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) })
        }
    }

    /// Drains the results after a COPY; returns the rows it reported.
    private static func finish(_ connection: OpaquePointer) throws(PostgresError) -> Int {
        var rows = 0
        var firstError: PostgresError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
                firstError = PostgresError(message, sqlState: PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) })
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return rows
    }

    private static func failure(_ connection: OpaquePointer, _ context: String) -> PostgresError {
        PostgresError("\(context): " + String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
