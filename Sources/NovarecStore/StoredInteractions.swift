/// The stored interactions as one read of the events table, made when consumed (`read`): the
/// rows stream from `COPY ... TO STDOUT` in a repeatable-read transaction straight to the
/// consumer, so neither the whole COPY output nor every row is held unless the consumer keeps
/// them, and the read reports the snapshot it saw: an event announced later is already among
/// the rows exactly when the snapshot sees the announcing transaction. Each `read` reads afresh.
public struct StoredInteractions: Sendable {
    /// One interaction: `(user, item, Unix time)`.
    public typealias Row = (user: String, item: String, time: Double)

    let database: any PostgresClient

    /// Streams every stored interaction (impressions left out) to `row`, in user then time order
    /// (each user's rows together); returns the snapshot they were read in.
    public func read(_ row: (Row) -> Void) throws -> PostgresSnapshot {
        let text = try database.transaction { transaction in
            try transaction.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let snapshot = try transaction.query("SELECT pg_current_snapshot()::text").scalar
            try transaction.copyOut(
                """
                COPY (SELECT user_id, item_id, extract(epoch FROM ts) FROM events WHERE type <> 'impression' ORDER BY user_id, ts, id) TO STDOUT
                """
            ) { bytes in
                let fields = CopyText.fields(ofRow: bytes)
                guard fields.count == 3 else { return }
                row((user: fields[0], item: fields[1], time: Double(fields[2]) ?? 0))
            }
            return snapshot
        }
        guard let snapshot = text.flatMap(PostgresSnapshot.init) else { throw PostgresError("unreadable snapshot \(text ?? "NULL")") }
        return snapshot
    }

    /// Every row at once, built as they stream (training uses them all), with the snapshot.
    public func collect() throws -> (rows: [Row], snapshot: PostgresSnapshot) {
        var rows: [Row] = []
        let snapshot = try read { rows.append($0) }
        return (rows, snapshot)
    }
}

extension EventStore {
    /// The stored interactions, read when consumed (see `StoredInteractions`).
    public func storedInteractions() throws -> StoredInteractions { StoredInteractions(database: database) }

    /// Every stored interaction as `(user, item, Unix time)` in time order per user, read with
    /// `COPY ... TO STDOUT` row by row (the fast path for training).
    public func interactions() throws -> [StoredInteractions.Row] {
        try storedInteractions().collect().rows
    }
}
