import Foundation

/// The history of trained models, shared by every replica on one PostgreSQL: which run is
/// training, which passed the validation gate, which one is served. Accepting a model and
/// rolling one back notify `channel` with the new serving version in the same transaction, so
/// replicas hear of it exactly when it is committed.
public struct ModelRegistry: Sendable {
    /// The `LISTEN` channel; each payload is the version replicas should now serve.
    public static let channel = "novarec_models"

    public let database: any PostgresClient

    public init(database: any PostgresClient) {
        self.database = database
    }

    /// Records that `trainer` started training `version` on the events up to `watermark`, while
    /// `parent` was served.
    public func begin(version: String, parent: String?, trigger: String, trainer: String, watermark: Int64) throws {
        try database.query(
            """
            INSERT INTO models (version, parent, state, trigger, trainer, data_watermark)
            VALUES ($1, $2, 'training', $3, $4, $5)
            """, [version, parent, trigger, trainer, String(watermark)])
    }

    /// Ends the run `version` with `state` in one transaction and returns the state recorded. An
    /// accepted run also stores its checkpoint (bytes, or the path of a file already written) and
    /// SHA-256 (other outcomes store neither), becomes the served model and notifies `channel` on
    /// commit — unless the served model is no longer the one it was judged against (`begin`'s
    /// `parent`: a rollback or another acceptance came meanwhile), in which case it is recorded
    /// `rejected` (that reason added) and changes nothing else. Throws
    /// `ModelRegistryError.notTraining` when the run is no longer training (another leader marked
    /// it interrupted): a late finish changes nothing. Metrics must be finite (JSON has no NaN).
    @discardableResult
    public func finish(
        version: String, state: ModelState, reason: String = "", trainedEvents: Int64 = 0,
        candidateMetrics: [String: Double]? = nil, servingMetrics: [String: Double]? = nil,
        trainingSeconds: Double? = nil, evaluationSeconds: Double? = nil,
        checkpoint: StoredCheckpoint? = nil, sha256: String? = nil
    ) throws -> ModelState {
        guard state != .training, state != .rolledBack else { throw ModelRegistryError.notAnOutcome(state) }
        let accepted = state == .accepted
        guard !accepted || (checkpoint != nil && sha256 != nil) else { throw ModelRegistryError.checkpointMissing(version: version) }
        let parameters: [String?] = [
            version, state.rawValue, reason, String(trainedEvents), try Self.json(candidateMetrics), try Self.json(servingMetrics),
            trainingSeconds.map { String($0) }, evaluationSeconds.map { String($0) },
            accepted ? checkpoint.flatMap { if case .bytes(let data) = $0 { ByteaHex.literal(data) } else { nil } } : nil,
            accepted ? sha256 : nil,
            accepted ? checkpoint.flatMap { if case .file(let path) = $0 { path } else { nil } } : nil
        ]
        return try database.transaction { transaction in
            var (parameters, recorded) = (parameters, state)
            if accepted, let served = try Self.servedChanged(for: version, in: transaction) {
                recorded = .rejected
                parameters[1] = recorded.rawValue
                parameters[2] = (reason.isEmpty ? "" : reason + "; ") + "the served model changed during the run (now \(served))"
                (parameters[8], parameters[9], parameters[10]) = (nil, nil, nil)
            }
            let updated = try transaction.query(
                """
                UPDATE models SET state = $2, reason = $3, trained_events = $4, candidate_metrics = $5::jsonb,
                    serving_metrics = $6::jsonb, training_seconds = $7, evaluation_seconds = $8, checkpoint = $9::bytea,
                    sha256 = $10, checkpoint_path = $11, finished_at = clock_timestamp(),
                    accepted_at = CASE WHEN $2 = 'accepted' THEN clock_timestamp() END
                WHERE version = $1 AND state = 'training'
                """, parameters
            ).affectedRows
            guard updated == 1 else { throw ModelRegistryError.notTraining(version: version) }
            if recorded == .accepted { try Self.notify(transaction, version) }
            return recorded
        }
    }

    /// What is served now ("no model" when nothing is), when it is not the parent `version` was
    /// begun with; nil when it still is. Locks the table (as a rollback does) until the commit,
    /// so no acceptance or rollback comes between this check and the caller's update.
    private static func servedChanged(for version: String, in transaction: Transaction) throws -> String? {
        try transaction.query("LOCK TABLE models IN EXCLUSIVE MODE")
        let served = try transaction.query("SELECT version FROM models WHERE state = 'accepted' ORDER BY accepted_at DESC LIMIT 1").rows.first?[0]
        let parent = try transaction.query("SELECT parent FROM models WHERE version = $1", [version]).rows.first?[0]
        return served == parent ? nil : served ?? "no model"
    }

    /// The served model: the accepted one accepted last; nil before the first acceptance.
    public func current() throws -> ModelRecord? {
        try records("WHERE state = 'accepted' ORDER BY accepted_at DESC LIMIT 1").first
    }

    /// The checkpoint of `version` (read from the row, or from its file) and the SHA-256 stored
    /// with it (for the caller to verify); nil when there is none (unknown version, or a run
    /// that was not accepted).
    public func checkpoint(version: String) throws -> (data: Data, sha256: String)? {
        let row = try database.query(
            """
            SELECT encode(checkpoint, 'hex'), sha256, checkpoint_path FROM models
            WHERE version = $1 AND (checkpoint IS NOT NULL OR checkpoint_path IS NOT NULL)
            """, [version]
        ).rows.first
        guard let row else { return nil }
        if let path = row[2] {
            do { return (try Data(contentsOf: URL(fileURLWithPath: path)), row[1] ?? "") } catch {
                throw ModelRegistryError.checkpointUnreadable(version: version, detail: "\(path): \(error.localizedDescription)")
            }
        }
        guard let hex = row[0], let data = ByteaHex.decode(hex) else {
            throw ModelRegistryError.checkpointUnreadable(version: version, detail: "the stored bytes do not decode")
        }
        return (data, row[1] ?? "")
    }

    /// Takes the served model out of service (state `rolled_back`, `reason` recorded) and returns
    /// the accepted model before it, which becomes the served one; notifies `channel` with its
    /// version on commit. The table is locked for the transaction, so concurrent rollbacks from
    /// several replicas take one model each, in turn. Throws
    /// `ModelRegistryError.noPreviousModel`, changing nothing, unless two models are accepted.
    public func rollback(reason: String) throws -> ModelRecord {
        try database.transaction { transaction in
            try transaction.query("LOCK TABLE models IN EXCLUSIVE MODE")
            let accepted = try transaction.query(
                "SELECT version FROM models WHERE state = 'accepted' ORDER BY accepted_at DESC LIMIT 2"
            ).rows.compactMap { $0[0] }
            guard accepted.count == 2 else { throw ModelRegistryError.noPreviousModel(current: accepted.first) }
            try transaction.query("UPDATE models SET state = 'rolled_back', reason = $2 WHERE version = $1", [accepted[0], reason])
            try Self.notify(transaction, accepted[1])
            let rows = try transaction.query("SELECT \(ModelRecord.columns) FROM models WHERE version = $1", [accepted[1]]).rows
            return try ModelRecord(row: rows[0])
        }
    }

    /// The latest `limit` runs, newest first.
    public func recent(limit: Int) throws -> [ModelRecord] {
        try records("ORDER BY started_at DESC, version DESC LIMIT $1", [String(limit)])
    }

    /// Marks every run still `training` as `failed` with reason `interrupted` and returns their
    /// versions. Only the training leader (the holder of the leader advisory lock) trains, so a
    /// new leader calls this before its first run: any run still training then belongs to a
    /// process that died or lost its session, and its late `finish` will be refused.
    @discardableResult
    public func markInterrupted() throws -> [String] {
        try database.query(
            """
            UPDATE models SET state = 'failed', reason = 'interrupted', finished_at = clock_timestamp()
            WHERE state = 'training' RETURNING version
            """
        ).rows.compactMap { $0[0] }
    }

    private func records(_ clause: String, _ parameters: [String?] = []) throws -> [ModelRecord] {
        try database.query("SELECT \(ModelRecord.columns) FROM models \(clause)", parameters).rows.map { row throws(PostgresError) in
            try ModelRecord(row: row)
        }
    }

    private static func notify(_ transaction: Transaction, _ version: String) throws(PostgresError) {
        try transaction.query("SELECT pg_notify($1, $2)", [channel, version])
    }

    private static func json(_ metrics: [String: Double]?) throws -> String? {
        guard let metrics else { return nil }
        return String(decoding: try JSONEncoder().encode(metrics), as: UTF8.self)
    }
}
