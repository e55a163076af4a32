/// Who else is connected, so a process that started a shared cluster knows whether stopping it
/// would cut off another process (an `import` next to a running `serve`, a second replica).
extension PostgresConnection {
    /// Client sessions on the server whose `application_name` is not `applicationName`.
    public func otherClientSessions(than applicationName: String) throws(PostgresError) -> Int {
        let count = try query(
            """
            SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name IS DISTINCT FROM $1
            """, [applicationName]
        ).scalar
        return count.flatMap { Int($0) } ?? 0
    }
}
