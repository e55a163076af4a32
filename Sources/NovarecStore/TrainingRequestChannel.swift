/// How a replica that does not train hands a training request to the one that does: a
/// notification on `name`, sent only while some session holds the trainer lock (a notification
/// nobody listens for would be lost silently). The trainer role itself is the session-level
/// advisory lock `trainerLockKey`.
public struct TrainingRequestChannel: Sendable {
    public static let name = "novarec_train_requests"
    /// The advisory lock key of the trainer role ("novarec" in ASCII).
    public static let trainerLockKey: Int64 = 0x6E_6F76_6172_6563

    public let database: any PostgresClient

    public init(database: any PostgresClient) {
        self.database = database
    }

    /// Sends `payload` to the trainer; false when no replica holds the trainer role now.
    public func send(_ payload: String) throws -> Bool {
        try database.lease { connection in
            guard try connection.isAdvisoryLockHeld(Self.trainerLockKey) else { return false }
            try connection.query("SELECT pg_notify($1, $2)", [Self.name, payload])
            return true
        }
    }
}
