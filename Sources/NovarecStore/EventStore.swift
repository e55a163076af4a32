import Foundation

/// The durable event log in PostgreSQL: batches are written in one transaction and are durable
/// once the call returns; a repeated `event_id` is counted as a duplicate and not stored again.
public struct EventStore: Sendable {
    public let database: any PostgresClient
    /// Sent with every `insert` that stores something (nil: nothing is announced).
    public let announcement: EventAnnouncement?

    public init(database: any PostgresClient, announcement: EventAnnouncement? = nil) {
        self.database = database
        self.announcement = announcement
    }

    /// The outcome of storing one batch.
    public struct InsertResult: Sendable, Equatable {
        public let stored: Int
        public let duplicates: Int
        /// The ids of the events actually stored (not duplicates).
        public var storedIDs: Set<UUID> = []
        /// The transaction that stored them (nil when nothing was stored).
        public var transaction: UInt64?

        public static func == (lhs: InsertResult, rhs: InsertResult) -> Bool {
            (lhs.stored, lhs.duplicates) == (rhs.stored, rhs.duplicates)
        }
    }

    /// Stores `events` atomically (all or nothing) with one statement, announces the stored
    /// interactions (not impressions) in the same transaction when the store has an
    /// announcement; returns after commit.
    public func insert(_ events: [BehaviourEvent]) throws -> InsertResult {
        guard !events.isEmpty else { return InsertResult(stored: 0, duplicates: 0) }
        let parameters: [String?] = [
            PostgresArray.literal(events.map { $0.eventID.uuidString }),
            PostgresArray.literal(events.map(\.userID)),
            PostgresArray.literal(events.map(\.itemID)),
            PostgresArray.literal(events.map(\.kind.rawValue)),
            PostgresArray.literal(events.map { $0.value.map { String($0) } }),
            PostgresArray.literal(events.map { String(format: "%.6f", $0.timestamp.timeIntervalSince1970) })
        ]
        let (ids, transactionID) = try database.transaction { transaction in
            try transaction.query(
                "SELECT \(Self.lockShopper(exclusive: false)) FROM (SELECT DISTINCT unnest($1::text[]) AS u ORDER BY 1) AS shoppers",
                [PostgresArray.literal(events.map(\.userID))])
            let rows = try transaction.query(
                """
                INSERT INTO events (event_id, user_id, item_id, type, value, ts)
                SELECT e, u, i, t, v, to_timestamp(s)
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::real[], $6::float8[]) AS x(e, u, i, t, v, s)
                WHERE NOT EXISTS (SELECT 1 FROM erasures r WHERE r.user_id = x.u AND to_timestamp(x.s) <= r.erased_at)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id, pg_current_xact_id()::text
                """, parameters
            ).rows
            let ids = Set(rows.compactMap { $0.first.flatMap { $0 }.flatMap { UUID(uuidString: $0) } })
            let transactionID = rows.first.flatMap { $0[1] }.flatMap { UInt64($0) }
            if let transactionID { try announce(events.filter { ids.contains($0.eventID) && $0.kind.isInteraction }, transactionID, in: transaction) }
            return (ids, transactionID)
        }
        return InsertResult(stored: ids.count, duplicates: events.count - ids.count, storedIDs: ids, transaction: transactionID)
    }

    private func announce(_ stored: [BehaviourEvent], _ transactionID: UInt64, in transaction: Transaction) throws(PostgresError) {
        guard let announcement else { return }
        let payloads = announcement.payloads(stored, transactionID)
        guard !payloads.isEmpty else { return }
        try transaction.query(
            "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p",
            [announcement.channel, PostgresArray.literal(payloads)])
    }

    /// Bulk-loads `events` in one transaction: `COPY` into a temporary table, then one insert
    /// into `events` that skips ids already stored, so loading the same events again stores
    /// nothing twice. For imports of whole datasets; `insert` is for API batches.
    public func bulkInsert(_ events: [BehaviourEvent]) throws -> InsertResult {
        var text = ""
        for event in events {
            let value = event.value.map { String($0) } ?? "\\N"
            text += "\(event.eventID.uuidString)\t\(CopyText.escape(event.userID))\t\(CopyText.escape(event.itemID))\t"
            text += "\(event.kind.rawValue)\t\(value)\t\(String(format: "%.6f", event.timestamp.timeIntervalSince1970))\n"
        }
        let stored = try database.transaction { transaction in
            try transaction.query(
                """
                CREATE TEMPORARY TABLE import_events (n bigserial, event_id uuid, user_id text, item_id text, type text, value real, s float8)
                ON COMMIT DROP
                """)
            try transaction.copyIn("COPY import_events (event_id, user_id, item_id, type, value, s) FROM STDIN", data: Data(text.utf8))
            try transaction.query("SELECT \(Self.lockShopper(exclusive: false)) FROM (SELECT DISTINCT user_id AS u FROM import_events ORDER BY 1) AS shoppers")
            return try transaction.query(
                """
                INSERT INTO events (event_id, user_id, item_id, type, value, ts)
                SELECT event_id, user_id, item_id, type, value, to_timestamp(s) FROM import_events x
                WHERE NOT EXISTS (SELECT 1 FROM erasures r WHERE r.user_id = x.user_id AND to_timestamp(x.s) <= r.erased_at)
                ORDER BY n
                ON CONFLICT (event_id) DO NOTHING
                """
            ).affectedRows
        }
        return InsertResult(stored: stored, duplicates: events.count - stored)
    }

    /// The SQL that locks shopper `u` to the end of the transaction. An insert holds its
    /// shoppers' locks shared and an erasure its shopper's exclusively, each before its first
    /// write, so an insert either commits before the erasure deletes (which then deletes its
    /// events) or writes after the erasure committed (and its check refuses events dated before
    /// it): under read committed the two would otherwise miss each other's uncommitted rows. The
    /// two-key lock form, in class `shopperLockClass`, never meets the single-key locks
    /// elsewhere; shoppers whose ids hash alike just wait for each other.
    static func lockShopper(exclusive: Bool) -> String {
        "pg_advisory_xact_lock\(exclusive ? "" : "_shared")(\(shopperLockClass), hashtext(u))"
    }

    /// The advisory-lock class of `lockShopper` ("NV").
    static let shopperLockClass: Int32 = 0x4E56

    /// The outcome of erasing one shopper.
    public struct ErasureResult: Sendable, Equatable {
        public let eventsDeleted: Int
        /// The transaction that erased them.
        public let transaction: UInt64
    }

    /// Deletes every event of `user` and records the erasure, in one transaction that also
    /// announces it (so every replica drops the shopper's live state); from then on, events of
    /// `user` dated before the erasure are not stored again. Erasing twice is harmless.
    public func erase(user: String) throws -> ErasureResult {
        try database.transaction { transaction in
            try transaction.query("SELECT \(Self.lockShopper(exclusive: true)) FROM (SELECT $1::text AS u) AS shopper", [user])
            let deleted = try transaction.query("DELETE FROM events WHERE user_id = $1", [user]).affectedRows
            let id =
                try transaction.query(
                    """
                    INSERT INTO erasures (user_id, erased_at) VALUES ($1, now())
                    ON CONFLICT (user_id) DO UPDATE SET erased_at = now()
                    RETURNING pg_current_xact_id()::text
                    """, [user]
                ).scalar.flatMap { UInt64($0) } ?? 0
            if let announcement {
                try transaction.query("SELECT pg_notify($1, $2)", [announcement.channel, announcement.notice(.erased(user: user), id)])
            }
            return ErasureResult(eventsDeleted: deleted, transaction: id)
        }
    }

    /// Deletes every event older than `days` days (retention), announcing it when any went;
    /// returns how many.
    public func expire(olderThanDays days: Double) throws -> Int {
        try database.transaction { transaction in
            let deleted = try transaction.query("DELETE FROM events WHERE ts < now() - make_interval(secs => $1)", [String(days * 86_400)]).affectedRows
            if deleted > 0, let announcement {
                let id = try transaction.query("SELECT pg_current_xact_id()::text").scalar.flatMap { UInt64($0) } ?? 0
                try transaction.query("SELECT pg_notify($1, $2)", [announcement.channel, announcement.notice(.expired, id)])
            }
            return deleted
        }
    }

    /// True when the database answers a trivial query now.
    public func isReachable() -> Bool { database.isReachable() }

    public func count() throws -> Int {
        Int(try database.query("SELECT count(*) FROM events").scalar ?? "0") ?? 0
    }

    /// The highest event id stored (0 when there is none): where a training run's data ends.
    /// Ids are handed out at insert and committed in any order, so an event committed late may
    /// carry an id below a watermark read earlier; treat it as a position, not a guarantee.
    public func watermark() throws -> Int64 {
        Int64(try database.query("SELECT coalesce(max(id), 0) FROM events").scalar ?? "0") ?? 0
    }

    /// How many interactions (impressions left out) were stored after `watermark` (ids above it).
    public func count(since watermark: Int64) throws -> Int {
        Int(try database.query("SELECT count(*) FROM events WHERE id > $1 AND type <> 'impression'", [String(watermark)]).scalar ?? "0") ?? 0
    }

    /// `user`'s newest `limit` interactions (impressions left out), oldest first, with the snapshot
    /// they were read in: one statement over the `events_user_ts` index, for a history that is not
    /// in memory. The snapshot tells which announced batches the items already hold.
    public func recentHistory(of user: String, limit: Int) throws -> StoredHistory {
        let rows = try database.query(
            """
            SELECT s.snapshot, r.item_id FROM (SELECT pg_current_snapshot()::text AS snapshot) s
            LEFT JOIN LATERAL (
                SELECT item_id, ts, id FROM events WHERE user_id = $1 AND type <> 'impression' ORDER BY ts DESC, id DESC LIMIT $2
            ) r ON true
            ORDER BY r.ts, r.id
            """, [user, String(max(limit, 0))]
        ).rows
        let text = rows.first?[0]
        guard let snapshot = text.flatMap(PostgresSnapshot.init) else { throw PostgresError("unreadable snapshot \(text ?? "NULL")") }
        return StoredHistory(items: rows.compactMap { $0[1] }, snapshot: snapshot)
    }
}

/// One user's newest interactions as the store gave them, and the snapshot they were read in.
public struct StoredHistory: Sendable, Equatable {
    /// Item ids, oldest first.
    public let items: [String]
    public let snapshot: PostgresSnapshot

    public init(items: [String], snapshot: PostgresSnapshot) {
        (self.items, self.snapshot) = (items, snapshot)
    }
}
