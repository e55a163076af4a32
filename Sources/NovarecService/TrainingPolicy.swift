import NovarecML

/// When and how the background trainer runs, and what a candidate must achieve to be served.
public struct TrainingPolicy: Sendable {
    /// Start a run once this many events arrived after the last run's data (0: never).
    public var newEvents = 10_000
    /// Start a run when this many seconds passed since the last one (0: never).
    public var interval = 0.0
    /// Seconds between checks of triggers, leadership and the registry (the safety net behind
    /// LISTEN/NOTIFY), and so the longest a follower takes to take over training.
    public var pollInterval = 5.0
    /// Warm start (continue from the serving model's weights) unless more than this share of the
    /// new catalogue is unknown to the serving model; a full retrain otherwise.
    public var maxNewItemShare = 0.2
    public var gate = ValidationGate()
    /// Events older than this many days are deleted (0: kept forever). The trainer enforces it
    /// once an hour, as the one replica that does background maintenance.
    public var eventRetentionDays = 0.0
    /// Longest time the previous model keeps answering the users whose cached candidates are
    /// its own after a swap, while they are re-scored in the background (see `ServedModels`).
    public var handoverSeconds = 120.0
    /// Threads a training run may use, all at the trainer's lowered priority: one leaves the
    /// other cores to request handling; a replica that takes no traffic may give it them all.
    public var trainerThreads = 1
    /// Training options for scheduled runs (admin requests may override epochs and time).
    public var options: SASRecTrainingOptions = {
        var options = SASRecTrainingOptions()
        options.epochs = 50
        options.maxSeconds = 15 * 60
        // As `novarec train`'s default: it measured best on Beauty, Scientific and MovieLens (README, *Novelty engine*).
        options.logitAdjustment = 1
        return options
    }()

    public init() {}

    /// The longest run in minutes (`options.maxSeconds`; a day when unbounded): what an admin
    /// request's `max_minutes` may ask for at most.
    public var maxMinutes: Double { (options.maxSeconds ?? 24 * 3600) / 60 }
}
