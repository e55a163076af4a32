/// How long a connection may take to open and a statement to run, and how a dead peer is
/// noticed: without them a PostgreSQL that stops answering (a network partition, a hung
/// server) would block the caller forever. A connection string's own settings win.
public struct ConnectionSettings: Sendable, Equatable {
    /// Seconds to wait for a connection (libpq `connect_timeout`; at least 2).
    public var connectTimeout: Int
    /// Longest run of one statement in seconds (server `statement_timeout`; 0: no limit).
    public var statementTimeout: Double
    /// Seconds of silence before TCP keepalive probes start (libpq `keepalives_idle`).
    public var keepaliveIdle: Int

    public init(connectTimeout: Int = 5, statementTimeout: Double = 30, keepaliveIdle: Int = 10) {
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.keepaliveIdle = keepaliveIdle
    }

    /// For long background work (training reads every event, a listener waits): no statement limit.
    public static let background = ConnectionSettings(statementTimeout: 0)

    /// libpq keyword/value pairs, given before the connection string so that the string's own wins.
    var parameters: [(String, String)] {
        [
            ("connect_timeout", String(max(connectTimeout, 2))),
            ("keepalives", "1"), ("keepalives_idle", String(keepaliveIdle)),
            ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("options", "-c statement_timeout=\(Int(statementTimeout * 1000))")
        ]
    }
}
