import Foundation

/// One training run in the model registry, as the service reports it: where its data ended,
/// what the validation gate measured, and whether it is (or was) served. The checkpoint itself
/// is read with `ModelRegistry.checkpoint(version:)` (from the row, or from `checkpointPath`).
///
/// Times are RFC 3339 strings in UTC with milliseconds (`2025-01-31T12:00:00.123Z`), formatted
/// by PostgreSQL, so the JSON is the same whatever date strategy an encoder uses. Absent
/// optional values are left out of the JSON rather than written as null.
public struct ModelRecord: Sendable, Equatable, Codable {
    public let version: String
    /// The serving model's version when the run started; nil for the first model.
    public let parent: String?
    public let kind: String
    public let state: ModelState
    /// Why the run ended as it did (gate verdict, error, `interrupted`, rollback reason).
    public let reason: String
    /// What started the run (e.g. `schedule`, `events`, `admin`).
    public let trigger: String
    /// The replica that trained it.
    public let trainer: String
    /// The highest `events.id` the run read.
    public let dataWatermark: Int64
    public let trainedEvents: Int64
    /// Metric name → value on the validation gate's data, for the candidate and for the model
    /// it would replace.
    public let candidateMetrics: [String: Double]?
    public let servingMetrics: [String: Double]?
    /// Hex SHA-256 of the checkpoint (accepted models only).
    public let sha256: String?
    /// The checkpoint's file in the shared checkpoint directory; nil when the row holds it.
    public let checkpointPath: String?
    public let startedAt: String
    public let finishedAt: String?
    public let trainingSeconds: Double?
    public let evaluationSeconds: Double?
    public let acceptedAt: String?

    enum CodingKeys: String, CodingKey {
        case version, parent, kind, state, reason, trigger, trainer, sha256, checkpointPath = "checkpoint_path"
        case dataWatermark = "data_watermark", trainedEvents = "trained_events"
        case candidateMetrics = "candidate_metrics", servingMetrics = "serving_metrics"
        case startedAt = "started_at", finishedAt = "finished_at", acceptedAt = "accepted_at"
        case trainingSeconds = "training_seconds", evaluationSeconds = "evaluation_seconds"
    }
}

extension ModelRecord {
    /// The select list `init(row:)` reads, in its order.
    static let columns = """
        version, parent, kind, state, reason, trigger, trainer, data_watermark, trained_events,
        candidate_metrics::text, serving_metrics::text, sha256, \(rfc3339("started_at")), \(rfc3339("finished_at")),
        training_seconds, evaluation_seconds, \(rfc3339("accepted_at")), checkpoint_path
        """

    private static func rfc3339(_ column: String) -> String {
        #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
    }

    init(row: [String?]) throws(PostgresError) {
        guard row.count == 18, let version = row[0], let state = row[3].flatMap(ModelState.init(rawValue:)),
            let watermark = row[7].flatMap({ Int64($0) }), let trained = row[8].flatMap({ Int64($0) }), let startedAt = row[12]
        else { throw PostgresError("unreadable models row: \(row)") }
        self.version = version
        parent = row[1]
        kind = row[2] ?? ""
        self.state = state
        reason = row[4] ?? ""
        trigger = row[5] ?? ""
        trainer = row[6] ?? ""
        dataWatermark = watermark
        trainedEvents = trained
        candidateMetrics = try Self.metrics(row[9])
        servingMetrics = try Self.metrics(row[10])
        sha256 = row[11]
        self.startedAt = startedAt
        finishedAt = row[13]
        trainingSeconds = row[14].flatMap { Double($0) }
        evaluationSeconds = row[15].flatMap { Double($0) }
        acceptedAt = row[16]
        checkpointPath = row[17]
    }

    private static func metrics(_ json: String?) throws(PostgresError) -> [String: Double]? {
        guard let json else { return nil }
        do {
            return try JSONDecoder().decode([String: Double].self, from: Data(json.utf8))
        } catch {
            throw PostgresError("metrics are not an object of numbers: \(json)")
        }
    }
}
