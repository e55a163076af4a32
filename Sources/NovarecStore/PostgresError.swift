/// A failure reported by PostgreSQL or libpq, with the server's SQLSTATE when there is one.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// Five-character SQLSTATE (e.g. "23505" unique violation), nil for client-side failures.
    public let sqlState: String?
    /// True when the database could not be reached or did not answer in time (connection lost
    /// or refused, server shutting down, statement timeout, pool exhausted) or ended the
    /// transaction to resolve a conflict with another (deadlock, serialization failure), as
    /// opposed to a statement the server refused: the same request may succeed later.
    public let isUnavailable: Bool

    public init(_ message: String, sqlState: String? = nil, isUnavailable: Bool = false) {
        self.message = message
        self.sqlState = sqlState
        self.isUnavailable = isUnavailable || sqlState.map(Self.isUnavailableState) ?? false
    }

    public var description: String {
        sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
    }

    /// This error, marked unavailable when the connection it happened on is lost.
    func marking(connectionLost: Bool) -> PostgresError {
        connectionLost ? PostgresError(message, sqlState: sqlState, isUnavailable: true) : self
    }

    /// Class 08 (connection exception), 53300 (too many connections), 57P01–57P03 (shutting
    /// down, cannot connect now), 57014 (statement timeout or cancel), 40001 and 40P01
    /// (serialization failure, deadlock: e.g. two batches sharing event ids in opposite orders).
    private static func isUnavailableState(_ state: String) -> Bool {
        state.hasPrefix("08") || ["53300", "57P01", "57P02", "57P03", "57014", "40001", "40P01"].contains(state)
    }
}
