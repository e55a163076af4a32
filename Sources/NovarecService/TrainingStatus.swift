import NovarecStore

/// What `GET /v1/admin/train` reports: this replica's role, the run in progress (if this replica
/// is training one) and the latest runs of the registry.
public struct TrainingStatus: Sendable, Encodable {
    public var role = TrainerRole.follower
    public var state = RunState.idle
    public var version: String?
    public var trigger: String?
    public var epoch = 0
    public var epochs = 0
    public var loss: Double?
    public var validationNDCG: Double?
    public var error: String?
    /// RFC 3339 times.
    public var startedAt: String?
    public var finishedAt: String?
    public var recentRuns: [ModelRecord] = []

    enum CodingKeys: String, CodingKey {
        case role, state, version, trigger, epoch, epochs, loss, error
        case validationNDCG = "validation_ndcg10", startedAt = "started_at", finishedAt = "finished_at", recentRuns = "recent_runs"
    }
}

/// Whether this replica holds the trainer role (see `TrainerElection`).
public enum TrainerRole: String, Sendable, Encodable {
    case follower, trainer
}

/// Where this replica's latest run stands: `queued` and `running` while one is under way, its
/// outcome once it ended; `forwarded` in a follower's answer to a request it handed on.
public enum RunState: String, Sendable, Encodable {
    case idle, queued, running, forwarded, accepted, rejected, failed
}

/// A training request from `POST /v1/admin/train` or a trigger; Codable so a replica that does
/// not train can forward it to the one that does.
public struct TrainingRequest: Sendable, Codable {
    public var trigger: String
    public var options: SASRecTrainingOptionsOverride = .init()
    /// Train from a fresh initialisation even when a warm start is possible.
    public var full = false

    public init(trigger: String, options: SASRecTrainingOptionsOverride = .init(), full: Bool = false) {
        self.trigger = trigger
        self.options = options
        self.full = full
    }
}

/// Per-request changes to the policy's training options.
public struct SASRecTrainingOptionsOverride: Sendable, Codable {
    public var epochs: Int?
    public var maxSeconds: Double?
    public var patience: Int?

    public init(epochs: Int? = nil, maxSeconds: Double? = nil, patience: Int? = nil) {
        (self.epochs, self.maxSeconds, self.patience) = (epochs, maxSeconds, patience)
    }
}
