import Foundation

/// Session-level PostgreSQL advisory locks, so replicas sharing one database can elect a single
/// leader (e.g. the one that trains). The lock belongs to the session, that is to this
/// connection: it is held until `advisoryUnlock` or until the connection closes, and a process
/// that is killed loses it as soon as the server sees its socket close. Taking it twice on one
/// connection nests (it then needs two unlocks).
extension PostgresConnection {
    /// Takes the advisory lock `key` without waiting; false when another session holds it.
    public func tryAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_try_advisory_lock($1::bigint)", [String(key)]).scalar == "t"
    }

    /// Whether any session holds the advisory lock `key` in this database (a bigint key shows in
    /// `pg_locks` as its high and low 32 bits, unsigned).
    public func isAdvisoryLockHeld(_ key: Int64) throws(PostgresError) -> Bool {
        try query(
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = (($1::bigint >> 32) & 4294967295)::oid AND objid = ($1::bigint & 4294967295)::oid)
            """, [String(key)]
        ).scalar == "t"
    }

    /// Releases the advisory lock `key` once; false when this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_advisory_unlock($1::bigint)", [String(key)]).scalar == "t"
    }
}
