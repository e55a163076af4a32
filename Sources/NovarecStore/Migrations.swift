/// The database schema as an ordered list of versioned migrations, applied once each at start-up
/// inside a transaction and recorded in `schema_migrations`.
public enum Migrations {
    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE items (
                    item_id text PRIMARY KEY,
                    title text NOT NULL DEFAULT '',
                    description text NOT NULL DEFAULT '',
                    categories text[] NOT NULL DEFAULT '{}',
                    available boolean NOT NULL DEFAULT true,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE events (
                    id bigserial PRIMARY KEY,
                    event_id uuid NOT NULL UNIQUE,
                    user_id text NOT NULL,
                    item_id text NOT NULL,
                    type text NOT NULL CHECK (type IN ('view', 'click', 'add_to_cart', 'purchase', 'rating')),
                    value real,
                    ts timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX events_user_ts ON events (user_id, ts, id)"
            ]
        ),
        (
            2,
            [
                """
                CREATE TABLE models (
                    version text PRIMARY KEY,
                    parent text,
                    kind text NOT NULL DEFAULT 'sasrec',
                    state text NOT NULL CHECK (state IN ('training', 'accepted', 'rejected', 'failed', 'rolled_back')),
                    reason text NOT NULL DEFAULT '',
                    trigger text NOT NULL DEFAULT '',
                    trainer text NOT NULL DEFAULT '',
                    data_watermark bigint NOT NULL,
                    trained_events bigint NOT NULL DEFAULT 0,
                    candidate_metrics jsonb,
                    serving_metrics jsonb,
                    sha256 text,
                    checkpoint bytea,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    finished_at timestamptz,
                    training_seconds double precision,
                    evaluation_seconds double precision,
                    accepted_at timestamptz
                )
                """,
                // Model weights barely compress: store them out of line without trying.
                "ALTER TABLE models ALTER COLUMN checkpoint SET STORAGE EXTERNAL",
                "CREATE INDEX models_latest_accepted ON models (accepted_at DESC) WHERE state = 'accepted'"
            ]
        ),
        // Checkpoints kept in a shared directory instead of the row (`StoredCheckpoint.file`).
        (3, ["ALTER TABLE models ADD COLUMN checkpoint_path text"]),
        // What the frontend showed: stored, but never an interaction (`BehaviourEvent.Kind.impression`).
        (
            4,
            [
                "ALTER TABLE events DROP CONSTRAINT events_type_check",
                "ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('view', 'click', 'add_to_cart', 'purchase', 'rating', 'impression'))"
            ]
        ),
        // Erased shoppers (`EventStore.erase`): events of theirs that happened before the erasure
        // are never stored again (a client retrying an old batch cannot bring them back).
        (5, ["CREATE TABLE erasures (user_id text PRIMARY KEY, erased_at timestamptz NOT NULL)"]),
        // An item's text vector (`ItemStore.storeTextVector`), cleared when its text changes.
        (6, ["ALTER TABLE items ADD COLUMN text_vector bytea, ADD COLUMN text_model text"])
    ]

    /// Applies every migration newer than the database's version; returns the versions applied.
    @discardableResult
    public static func apply(to connection: PostgresConnection) throws -> [Int] {
        try connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        return try connection.transaction { transaction in
            try transaction.query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
            let current = Int(try transaction.query("SELECT coalesce(max(version), 0) FROM schema_migrations").scalar ?? "0") ?? 0
            var applied: [Int] = []
            for migration in all where migration.version > current {
                for statement in migration.statements { try transaction.query(statement) }
                try transaction.query("INSERT INTO schema_migrations (version) VALUES ($1)", [String(migration.version)])
                applied.append(migration.version)
            }
            return applied
        }
    }
}
