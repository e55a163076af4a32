/// Something that lends a connection for a piece of work: one connection (a CLI command, a
/// test, a background thread's own session) or a pool (request handlers). The stores are
/// written against it, so the same store code runs on either.
public protocol PostgresClient: Sendable {
    /// Runs `body` on a connection that nobody else uses meanwhile.
    func lease<T>(_ body: (PostgresConnection) throws -> T) throws -> T
}

extension PostgresConnection: PostgresClient {
    public func lease<T>(_ body: (PostgresConnection) throws -> T) throws -> T { try body(self) }
}

extension PostgresClient {
    /// One statement on a leased connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> QueryResult {
        try lease { try $0.query(sql, parameters) }
    }

    /// `body` inside BEGIN/COMMIT on a leased connection.
    @discardableResult
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try lease { try $0.transaction(body) }
    }

    /// True when the database answers a trivial statement now.
    public func isReachable() -> Bool { (try? query("SELECT 1")) != nil }
}
