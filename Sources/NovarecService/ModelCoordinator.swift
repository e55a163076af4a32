import Dispatch
import Foundation
import NovarecCore
import NovarecML
import NovarecStore
import Synchronization

/// The model lifecycle shared by every replica on one PostgreSQL: exactly one replica (the
/// holder of a session-level advisory lock, on a connection of its own) trains when enough new
/// events arrived, when a period passed, or on request; a candidate is served only if it passes
/// the validation gate against the serving model on the same held-out items; every run is a row
/// of the `models` table, and an accepted model's checkpoint travels through the database.
/// Every replica (the trainer included) follows the registry (`ModelFollower`); who trains and
/// when is decided by `TrainerElection`, what a run does by `TrainingRun`.
///
/// Crash safety: the served model changes only after an accepted run committed its checkpoint
/// and decision in one transaction, and a local checkpoint file is replaced atomically; a run
/// interrupted by a crash stays `training` until the next trainer marks it `failed`.
public final class ModelCoordinator: Sendable {
    private struct State {
        var election: TrainerElection
        var status = TrainingStatus()
        var pending: TrainingRequest?
        var lastWatermark: Int64 = 0
        var stopped = false
        var outcomes: [RunState: Int] = [:]
        var lastRunSeconds = 0.0
        /// The trainer role claimed in `start()`, until the trainer thread takes it over (it
        /// must hold the only references: dropping them ends the lock's session).
        var claimed: TrainerConnections?
    }

    private let engine: RecommendationEngine
    let policy: TrainingPolicy
    let replica: String
    private let checkpointURL: URL?
    private let checkpointDirectory: URL?
    private let connect: @Sendable () throws -> PostgresConnection
    private let log: @Sendable (String) -> Void
    private let clock: @Sendable () -> Date
    private let state: Mutex<State>
    /// Registry reads and forwarding for request handlers, on the request pool.
    private let registry: ModelRegistry
    private let requests: TrainingRequestChannel
    private let follower: ModelFollower
    private let wake = DispatchSemaphore(value: 0)
    private let threads = BackgroundThreads()

    /// - Parameters:
    ///   - replica: this replica's name in the registry (e.g. host:port).
    ///   - checkpointURL: where accepted models are also written locally (nil: database only).
    ///   - checkpointDirectory: a directory every replica mounts, where accepted checkpoints go
    ///     instead of the registry row (nil: the row holds them).
    ///   - database: what request handlers' registry reads and forwarded requests use.
    ///   - connect: opens a new connection to the shared database for the background threads
    ///     (the trainer lock, its work, the follower's listener and registry).
    ///   - clock: the time the election and run records see.
    public init(
        engine: RecommendationEngine, policy: TrainingPolicy, replica: String, checkpointURL: URL?, checkpointDirectory: URL? = nil,
        database: any PostgresClient, connect: @escaping @Sendable () throws -> PostgresConnection,
        log: @escaping @Sendable (String) -> Void, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.engine = engine
        self.policy = policy
        self.replica = replica
        self.checkpointURL = checkpointURL
        self.checkpointDirectory = checkpointDirectory
        self.connect = connect
        self.log = log
        self.clock = clock
        self.state = Mutex(State(election: TrainerElection(policy: policy)))
        self.registry = ModelRegistry(database: database)
        self.requests = TrainingRequestChannel(database: database)
        self.follower = ModelFollower(engine: engine, policy: policy, connect: connect, log: log)
    }

    /// Serves the registry's current model at once (before the server starts answering), tries
    /// once for the trainer role (so the role reported from the first answer on is the real one),
    /// then starts the follower and trainer threads.
    public func start() throws {
        try follower.sync(registry)
        let watermark = try registry.current()?.dataWatermark ?? 0
        state.withLock { $0.lastWatermark = watermark }
        do {
            let claimed = try step(trainer: nil)
            state.withLock { $0.claimed = claimed }
        } catch {
            log("trainer: \(error); trying again in \(policy.pollInterval) s")
        }
        threads.start("model follower") { [self] in follower.follow { take(forwarded: $0) } }
        threads.start("trainer") { [self] in lead() }
    }

    /// Stops both threads and the re-scoring after a swap, and waits for them; a run in progress
    /// stops at its next step and is recorded as failed.
    public func stop() {
        state.withLock { $0.stopped = true }
        follower.stop()
        wake.signal()
        threads.join()
        follower.join()
    }

    /// Sends `request` to whichever replica trains (through the database); it runs there unless
    /// a run is already queued or running. False when no replica holds the trainer role now.
    public func forward(_ request: TrainingRequest) throws -> Bool {
        try requests.send(String(decoding: try JSONEncoder().encode(request), as: UTF8.self))
    }

    /// Queues a run; false when one is already running or queued, or this replica does not train.
    public func request(_ request: TrainingRequest) -> Bool {
        let queued = state.withLock { state in
            guard state.election.role == .trainer, state.status.state != .running, state.pending == nil else { return false }
            state.pending = request
            state.status = TrainingStatus(role: .trainer, state: .queued, trigger: request.trigger)
            return true
        }
        if queued { wake.signal() }
        return queued
    }

    private func take(forwarded request: TrainingRequest) {
        guard status.role == .trainer, !self.request(request) else { return }
        log("forwarded training request ignored: a run is already queued or running")
    }

    public var status: TrainingStatus { state.withLock { $0.status } }

    /// Takes the current model out of service for the previous accepted one, which every replica
    /// (this one included) then serves on the notification.
    public func rollback(reason: String) throws -> ModelRecord {
        try registry.rollback(reason: reason)
    }

    /// The registry's runs, newest first.
    public func recentRuns(limit: Int = 10) throws -> [ModelRecord] {
        try registry.recent(limit: limit)
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    // MARK: Training

    /// The connections a trainer holds: the one whose session owns the advisory lock, and one
    /// for its work.
    private struct TrainerConnections {
        let lock: PostgresConnection
        let work: PostgresConnection

        /// Both sessions answer (either broken: the lock may be gone).
        var isAlive: Bool { lock.isReachable() && work.isReachable() }
    }

    /// Ticks the election every poll interval (or when woken) and does what it says. Training
    /// runs on this thread and at most `policy.trainerThreads − 1` more it starts
    /// (`Parallel.limited`, OpenBLAS single-threaded in the server), all at a lower scheduling
    /// priority than request handling.
    private func lead() {
        // On Linux a nice value belongs to a thread: 0 names the calling one.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        var trainer = state.withLock { $0.claimed.take() }
        while !stopped {
            _ = wake.wait(timeout: .now() + policy.pollInterval)
            if stopped { break }
            do {
                trainer = try step(trainer: trainer)
            } catch {
                log("trainer: \(error); giving up the trainer role")
                trainer = nil  // closes both connections, which frees the lock
            }
        }
    }

    /// One tick of the election and its actions; returns the trainer connections now held.
    @discardableResult
    private func step(trainer held: TrainerConnections?) throws -> TrainerConnections? {
        var trainer = held
        let lockHeld = trainer?.isAlive ?? false
        var newEvents = 0
        if let trainer, lockHeld, state.withLock({ $0.election.needsEventCount }) {
            newEvents = try EventStore(database: trainer.work).count(since: state.withLock { $0.lastWatermark })
        }
        var action = tick(lockHeld: lockHeld, newEvents: newEvents)
        while true {
            switch action {
            case .wait:
                return trainer
            case .claim:
                trainer = try claimTrainerRole()
                guard trainer != nil else { return nil }
                action = tick(lockHeld: true, newEvents: 0)
            case .takeOver:
                try takeOver(ModelRegistry(database: trainer!.work))
                return trainer
            case .resign:
                log("this replica (\(replica)) lost the trainer role")
                return nil
            case .train(let trigger):
                // A request that arrived after the tick (already answered "queued") is this run:
                // its options hold, whatever triggered the tick.
                let request =
                    state.withLock { state in
                        defer { state.pending = nil }
                        return state.pending
                    } ?? TrainingRequest(trigger: trigger.rawValue)
                Parallel.limited(to: policy.trainerThreads) { run(request, connection: trainer!.work) }
                return trainer
            case .expire:
                let store = EventStore(database: trainer!.work, announcement: ReplicaEventFeed.announcement(origin: replica))
                let expired = try store.expire(olderThanDays: policy.eventRetentionDays)
                if expired > 0 { log("retention: deleted \(expired) events older than \(policy.eventRetentionDays.formatted()) days") }
                return trainer
            }
        }
    }

    private func tick(lockHeld: Bool, newEvents: Int) -> TrainerElection.Action {
        let now = clock()
        return state.withLock { state in
            let action = state.election.tick(now: now, lockHeld: lockHeld, newEvents: newEvents, requested: state.pending != nil)
            // The role shows as trainer only once the take-over is done (interrupted runs marked).
            if state.election.role == .follower { state.status.role = .follower }
            return action
        }
    }

    /// Tries the trainer lock once; nil when another replica holds it.
    private func claimTrainerRole() throws -> TrainerConnections? {
        let lock = try connect()
        guard try lock.tryAdvisoryLock(TrainingRequestChannel.trainerLockKey) else { return nil }
        return TrainerConnections(lock: lock, work: try connect())
    }

    private func takeOver(_ registry: ModelRegistry) throws {
        let interrupted = try registry.markInterrupted()
        let watermark = try registry.recent(limit: 1).first?.dataWatermark ?? 0
        state.withLock { state in
            state.lastWatermark = max(state.lastWatermark, watermark)
            state.status.role = .trainer
        }
        log(
            "this replica (\(replica)) is now the trainer"
                + (interrupted.isEmpty ? "" : "; interrupted runs marked failed: \(interrupted.joined(separator: ", "))"))
    }

    /// Runs one training run and records it in the registry; an accepted model's checkpoint is
    /// published (the shared directory or the row) in the same commit as its acceptance.
    private func run(_ request: TrainingRequest, connection: PostgresConnection) {
        let registry = ModelRegistry(database: connection)
        let store = EventStore(database: connection)
        var training = TrainingRun(policy: policy, request: request, version: Self.newVersion(), parent: engine.model)
        training.itemText = engine.itemText
        let version = training.version
        let started = clock()
        do {
            let watermark = try store.watermark()
            try registry.begin(
                version: version, parent: training.parent.model == nil ? nil : training.parent.version, trigger: request.trigger,
                trainer: replica, watermark: watermark)
            state.withLock { state in
                state.lastWatermark = watermark
                state.status = TrainingStatus(
                    role: .trainer, state: .running, version: version, trigger: request.trigger,
                    epochs: training.options.epochs, startedAt: Self.timestamp(started))
            }
            log("training \(version) (\(request.trigger)) on events up to #\(watermark)")
            let outcome = try training.run(
                on: store.interactions(),
                progress: { [self] progress in
                    state.withLock {
                        $0.status.epoch = progress.epoch
                        $0.status.loss = progress.loss
                        $0.status.validationNDCG = progress.bestValidation
                    }
                }, isCancelled: { [self] in stopped })
            finishStatus(try record(outcome, version: version, registry: registry) ? .accepted : .rejected, started: started)
        } catch {
            _ = try? registry.finish(version: version, state: .failed, reason: "\(error)")
            finishStatus(.failed, error: "\(error)", started: started)
        }
    }

    /// Records the run's outcome; whether the registry accepted it (a candidate that passed the
    /// gate is still rejected when the served model changed during the run: it was judged against
    /// another one).
    private func record(_ outcome: TrainingRun.Outcome, version: String, registry: ModelRegistry) throws -> Bool {
        let figures = (trainedEvents: Int64(outcome.trainedEvents), candidate: outcome.candidateFigures, serving: outcome.servingFigures)
        guard outcome.accepted else {
            try registry.finish(
                version: version, state: .rejected, reason: outcome.reason, trainedEvents: figures.trainedEvents,
                candidateMetrics: figures.candidate, servingMetrics: figures.serving,
                trainingSeconds: outcome.trainingSeconds, evaluationSeconds: outcome.evaluationSeconds)
            log("rejected \(version): \(outcome.reason)")
            return false
        }
        let placed = try place(outcome.checkpoint, version: version)
        let recorded: ModelState
        do {
            recorded = try registry.finish(
                version: version, state: .accepted, reason: outcome.reason, trainedEvents: figures.trainedEvents,
                candidateMetrics: figures.candidate, servingMetrics: figures.serving,
                trainingSeconds: outcome.trainingSeconds, evaluationSeconds: outcome.evaluationSeconds,
                checkpoint: placed, sha256: SHA256.hex(outcome.checkpoint))
        } catch {
            discard(placed)
            throw error
        }
        guard recorded == .accepted else {
            discard(placed)
            log("rejected \(version): passed the gate, but the served model changed during the run")
            return false
        }
        // The local copy only once the registry committed: a crash in between leaves no model
        // served here that the registry does not know.
        if let checkpointURL { try AtomicFile.write(outcome.checkpoint, to: checkpointURL) }
        log("accepted \(version): \(outcome.reason)")
        return true
    }

    /// Where an accepted checkpoint goes: a file in the shared directory (written atomically,
    /// before the registry points at it), or the registry row.
    private func place(_ checkpoint: Data, version: String) throws -> StoredCheckpoint {
        guard let checkpointDirectory else { return .bytes(checkpoint) }
        let file = checkpointDirectory.appendingPathComponent("\(version).safetensors")
        try AtomicFile.write(checkpoint, to: file)
        return .file(path: file.path)
    }

    /// Removes a checkpoint file the registry does not point at (its run was not accepted).
    private func discard(_ placed: StoredCheckpoint) {
        guard case .file(let path) = placed else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    private func finishStatus(_ outcome: RunState, error: String? = nil, started: Date) {
        let now = clock()
        state.withLock { state in
            state.status.state = outcome
            state.status.error = error
            state.status.finishedAt = Self.timestamp(now)
            state.outcomes[outcome, default: 0] += 1
            state.lastRunSeconds = now.timeIntervalSince(started)
        }
    }

    private static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// `m` + UTC time to the millisecond + 4 random hex digits: sortable and unique across replicas.
    static func newVersion() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS"
        return "m" + formatter.string(from: Date()) + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// What this replica's runs came to: counts by outcome and the last run's wall time.
    public var runFigures: (outcomes: [RunState: Int], lastRunSeconds: Double) { state.withLock { ($0.outcomes, $0.lastRunSeconds) } }
}
