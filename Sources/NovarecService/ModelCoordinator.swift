import Dispatch
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecStore
import Synchronization

/// The model lifecycle shared by every replica on one PostgreSQL: exactly one replica (the
/// holder of a session-level advisory lock, on a connection of its own) trains when enough new
/// events arrived, when a period passed, or on request; a candidate is served only if it passes
/// the validation gate against the serving model on the same held-out items; every run is a row
/// of the `models` table, and an accepted model's checkpoint travels through the database.
/// Every replica (the trainer included) listens for acceptances and rollbacks (LISTEN/NOTIFY,
/// with a poll every `pollInterval` as a safety net), loads the new model, checks its SHA-256
/// and swaps it in; requests keep running on the model they started with, and the previous
/// model answers its cached users until they are re-scored in the background (`ServedModels`).
///
/// Crash safety: the served model changes only after an accepted run committed its checkpoint
/// and decision in one transaction, and a local checkpoint file is replaced atomically; a run
/// interrupted by a crash stays `training` until the next trainer marks it `failed`.
public final class ModelCoordinator: Sendable {
    /// The advisory lock key of the trainer role ("novarec" in ASCII).
    static let trainerLockKey: Int64 = 0x6E_6F76_6172_6563

    private struct State {
        var status = TrainingStatus()
        var pending: TrainingRequest?
        var lastRun = Date()
        var lastWatermark: Int64 = 0
        var stopped = false
        var outcomes: [String: Int] = [:]
        var lastRunSeconds = 0.0
        /// The trainer role claimed in `start()`, until the trainer thread takes it over (it
        /// must hold the only references: dropping them ends the lock's session).
        var claimed: TrainerConnections?
    }

    private let engine: RecommendationEngine
    private let policy: TrainingPolicy
    let replica: String
    private let checkpointURL: URL?
    private let checkpointDirectory: URL?
    private let connect: @Sendable () throws -> PostgresConnection
    private let log: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// The registry on the connection request handlers share: opened once, reopened after an error.
    private let requestRegistry = Mutex<ModelRegistry?>(nil)
    private let wake = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - replica: this replica's name in the registry (e.g. host:port).
    ///   - checkpointURL: where accepted models are also written locally (nil: database only).
    ///   - checkpointDirectory: a directory every replica mounts, where accepted checkpoints go
    ///     instead of the registry row (nil: the row holds them).
    ///   - connect: opens a new connection to the shared database (the coordinator holds three:
    ///     the trainer lock, the listener, and one for its work).
    public init(engine: RecommendationEngine, policy: TrainingPolicy, replica: String, checkpointURL: URL?, checkpointDirectory: URL? = nil,
                connect: @escaping @Sendable () throws -> PostgresConnection, log: @escaping @Sendable (String) -> Void) {
        self.engine = engine
        self.policy = policy
        self.replica = replica
        self.checkpointURL = checkpointURL
        self.checkpointDirectory = checkpointDirectory
        self.connect = connect
        self.log = log
    }

    /// Serves the registry's current model at once (before the server starts answering), tries
    /// once for the trainer role (so the role reported from the first answer on is the real one),
    /// then starts the follower and trainer threads.
    public func start() throws {
        let watermark = try withRequestRegistry { registry in
            try sync(registry)
            return try registry.current()?.dataWatermark ?? 0
        }
        let claimed: TrainerConnections?
        do {
            claimed = try claimTrainerRole()
        } catch {
            log("trainer: \(error); trying again in \(policy.pollInterval) s")
            claimed = nil
        }
        state.withLock { state in
            state.lastWatermark = watermark
            state.claimed = claimed
        }
        Thread.detachNewThread { [self] in follow() }
        Thread.detachNewThread { [self] in lead() }
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    /// The channel on which replicas that do not train forward training requests (payloads are
    /// JSON objects, which tells them apart from model versions when both channels are read).
    static let requestChannel = "novarec_train_requests"

    /// Sends `request` to whichever replica trains (through the database); it runs there unless
    /// a run is already queued or running. False when no replica holds the trainer role now (a
    /// notification nobody reads would be lost).
    public func forward(_ request: TrainingRequest) throws -> Bool {
        let payload = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        return try withRequestRegistry { registry in
            guard try registry.connection.isAdvisoryLockHeld(Self.trainerLockKey) else { return false }
            try registry.connection.query("SELECT pg_notify($1, $2)", [Self.requestChannel, payload])
            return true
        }
    }

    /// Queues a run; false when one is already running or queued, or this replica does not train.
    public func request(_ request: TrainingRequest) -> Bool {
        let queued = state.withLock { state in
            guard state.status.role == "trainer", state.status.state != "running", state.pending == nil else { return false }
            state.pending = request
            state.status = TrainingStatus(role: "trainer", state: "queued", trigger: request.trigger)
            return true
        }
        if queued { wake.signal() }
        return queued
    }

    public var status: TrainingStatus { state.withLock { $0.status } }

    /// Takes the current model out of service for the previous accepted one, which every replica
    /// (this one included) then serves on the notification.
    public func rollback(reason: String) throws -> ModelRecord {
        try withRequestRegistry { try $0.rollback(reason: reason) }
    }

    /// The registry's runs, newest first.
    public func recentRuns(limit: Int = 10) throws -> [ModelRecord] {
        try withRequestRegistry { try $0.recent(limit: limit) }
    }

    /// Runs `body` on the shared request connection; a database error drops the connection so
    /// the next call opens a fresh one.
    @discardableResult
    private func withRequestRegistry<T>(_ body: (ModelRegistry) throws -> T) throws -> T {
        let registry = try requestRegistry.withLock { registry in
            if let registry { return registry }
            let opened = ModelRegistry(connection: try connect())
            registry = opened
            return opened
        }
        do {
            return try body(registry)
        } catch let error as PostgresError {
            requestRegistry.withLock { $0 = nil }
            throw error
        }
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    // MARK: Following

    /// Waits for notifications (or the poll interval) and serves the registry's current model.
    /// Runs at normal priority: it mostly waits, and the re-scoring after a swap runs on a thread
    /// of its own that paces itself.
    private func follow() {
        var connections: (listener: PostgresConnection, registry: ModelRegistry)?
        while !stopped {
            do {
                if connections == nil {
                    let listener = try connect()
                    try listener.listen(ModelRegistry.channel)
                    try listener.listen(Self.requestChannel)
                    connections = (listener, ModelRegistry(connection: try connect()))
                }
                let payloads = try connections!.listener.notifications(timeout: policy.pollInterval)
                for payload in payloads where payload.hasPrefix("{") {
                    guard let forwarded = try? JSONDecoder().decode(TrainingRequest.self, from: Data(payload.utf8)),
                          status.role == "trainer", !request(forwarded) else { continue }
                    log("forwarded training request ignored: a run is already queued or running")
                }
                try sync(connections!.registry)
            } catch {
                log("model sync: \(error); retrying in \(policy.pollInterval) s")
                connections = nil
                Thread.sleep(forTimeInterval: policy.pollInterval)
            }
        }
    }

    /// Loads and serves the registry's current model unless it is already served; a checkpoint
    /// whose bytes do not match their SHA-256 is refused.
    private func sync(_ registry: ModelRegistry) throws {
        guard let record = try registry.current(), record.version != engine.model.version else { return }
        guard let (data, sha256) = try registry.checkpoint(version: record.version) else { return }
        guard SHA256.hex(data) == sha256 else {
            log("model \(record.version): checkpoint fails its SHA-256 check; keeping \(engine.model.version)")
            return
        }
        let checkpoint = try SASRecCheckpoint.decode(data, source: "model \(record.version)")
        guard let model = ServingModel(checkpoint: checkpoint, version: record.version) else {
            log("model \(record.version): checkpoint lacks its popularity metadata; not served")
            return
        }
        engine.swap(to: model, handover: policy.handoverSeconds)
        log("serving model \(record.version)")
        Thread.detachNewThread { [engine, log] in
            let started = Date()
            let (rescored, cached) = engine.rescoreHandover()
            guard cached > 0 else { return }
            log("handover to \(record.version) over: \(rescored) of \(cached) cached users re-scored in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }

    // MARK: Training

    /// The connections a trainer holds: the one whose session owns the advisory lock, and one
    /// for its work.
    private struct TrainerConnections {
        let lock: PostgresConnection
        let work: PostgresConnection
    }

    /// Holds (or waits for) the trainer lock and runs training when a trigger fires. Training
    /// stays on this one thread (`Parallel.serially`, OpenBLAS single-threaded in the server),
    /// which runs at a lower scheduling priority than request handling.
    private func lead() {
        // On Linux a nice value belongs to a thread: 0 names the calling one.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        var trainer = state.withLock { $0.claimed.take() }
        while !stopped {
            // Waits first: `start()` has just tried for the role.
            _ = wake.wait(timeout: .now() + policy.pollInterval)
            if stopped { break }
            do {
                if trainer == nil { trainer = try claimTrainerRole() }
                if let trainer {
                    // Either connection broken: give the role up and claim it again afresh.
                    try trainer.lock.query("SELECT 1")
                    try trainer.work.query("SELECT 1")
                    if let request = try nextRequest(EventStore(connection: trainer.work)) {
                        Parallel.serially { run(request, connection: trainer.work) }
                    }
                }
            } catch {
                log("trainer: \(error); giving up the trainer role")
                trainer = nil  // closes both connections, which frees the lock
                state.withLock { $0.status.role = "follower" }
            }
        }
    }

    /// Tries the trainer lock once; nil when another replica holds it.
    private func claimTrainerRole() throws -> TrainerConnections? {
        let lock = try connect()
        guard try lock.tryAdvisoryLock(Self.trainerLockKey) else { return nil }
        let work = try connect()
        try becomeTrainer(ModelRegistry(connection: work))
        return TrainerConnections(lock: lock, work: work)
    }

    private func becomeTrainer(_ registry: ModelRegistry) throws {
        let interrupted = try registry.markInterrupted()
        let watermark = try registry.recent(limit: 1).first?.dataWatermark ?? 0
        state.withLock { state in
            state.status.role = "trainer"
            state.lastWatermark = max(state.lastWatermark, watermark)
            state.lastRun = Date()
        }
        log("this replica (\(replica)) is now the trainer" + (interrupted.isEmpty ? "" : "; interrupted runs marked failed: \(interrupted.joined(separator: ", "))"))
    }

    /// A queued request, or a trigger's: enough new events, or the period elapsed.
    private func nextRequest(_ store: EventStore) throws -> TrainingRequest? {
        let (pending, watermark, lastRun) = state.withLock { state in
            defer { state.pending = nil }
            return (state.pending, state.lastWatermark, state.lastRun)
        }
        if let pending { return pending }
        if policy.newEvents > 0, try store.count(since: watermark) >= policy.newEvents { return TrainingRequest(trigger: "events") }
        if policy.interval > 0, Date().timeIntervalSince(lastRun) >= policy.interval { return TrainingRequest(trigger: "schedule") }
        return nil
    }

    private func run(_ request: TrainingRequest, connection: PostgresConnection) {
        let registry = ModelRegistry(connection: connection), store = EventStore(connection: connection)
        let parent = engine.model, version = Self.newVersion(), started = Date()
        var options = policy.options
        options.epochs = request.options.epochs ?? options.epochs
        options.maxSeconds = request.options.maxSeconds ?? options.maxSeconds
        options.patience = request.options.patience ?? options.patience
        do {
            let watermark = try store.watermark()
            try registry.begin(version: version, parent: parent.model == nil ? nil : parent.version, trigger: request.trigger,
                               trainer: replica, watermark: watermark)
            state.withLock { state in
                state.lastWatermark = watermark
                state.lastRun = started
                state.status = TrainingStatus(role: "trainer", state: "running", version: version, trigger: request.trigger,
                                              epochs: options.epochs, startedAt: Self.now())
            }
            log("training \(version) (\(request.trigger)) on events up to #\(watermark)")
            let outcome = try train(request, options: options, parent: parent, version: version, registry: registry, store: store)
            finishStatus(outcome, started: started)
        } catch {
            try? registry.finish(version: version, state: .failed, reason: "\(error)")
            finishStatus("failed", error: "\(error)", started: started)
        }
    }

    /// Trains a candidate, judges it against the serving model and records (and maybe serves) it;
    /// returns the outcome.
    private func train(_ request: TrainingRequest, options: SASRecTrainingOptions, parent: ServingModel, version: String,
                       registry: ModelRegistry, store: EventStore) throws -> String {
        let interactions = try store.interactions()
        let dataset = Dataset(name: "events", interactions: interactions)
        let context = EvaluationContext(dataset: dataset)
        guard context.split.userCount > 0 else { throw TrainingRunError(description: "no user has three or more events yet") }
        var trainer = ModelTrainer(context: context)
        trainer.sasrecOptions = options
        let warm = try warmStart(request, parent: parent, items: dataset.items, seed: options.seed)
        trainer.sasrecInitial = warm
        trainer.trainingProgress = { [self] progress in
            state.withLock { $0.status.epoch = progress.epoch; $0.status.loss = progress.loss; $0.status.validationNDCG = progress.bestValidation }
        }
        let trainingStart = Date()
        let trained = try trainer.train(.sasrec)
        let trainingSeconds = Date().timeIntervalSince(trainingStart), evaluationStart = Date()
        guard let model = trained.recommender.unadjusted as? SASRec else { throw TrainingRunError(description: "training produced no Transformer") }
        let users = dataset.users.count
        var metadata = ServingModel.popularityMetadata(userCounts: context.popularity.userCounts, users: users)
        metadata[ServingModel.versionKey] = version
        metadata.merge(SASRecCheckpoint.logitAdjustmentMetadata(tau: options.logitAdjustment,
                                                               counts: context.popularity.interactionCounts.map(Double.init))) { $1 }
        let uncalibrated = ServingModel(checkpoint: SASRecCheckpoint(model: model, itemIDs: dataset.items.ids, metadata: metadata), version: version)!
        let calibration = DialCalibration.calibrate(uncalibrated, context: context)
        metadata.merge(calibration.metadata) { $1 }
        let candidate = ServedGateFigures.measure(uncalibrated.withScale(calibration.scale), context: context)
        let baseline = parent.model.map {
            ServingModel(version: parent.version, model: RemappedRecommender($0, baseItems: parent.items, items: dataset.items), items: dataset.items,
                         userCounts: context.popularity.userCounts, users: users, scale: parent.novelty.scale)
        } ?? ServingModel(version: "popularity", model: MostPopular(statistics: context.popularity), items: dataset.items,
                          userCounts: context.popularity.userCounts, users: users)
        let serving = ServedGateFigures.measure(baseline, context: context)
        let decision = policy.gate.decide(candidate: candidate, serving: serving)
        let reason = decision.reason + (warm == nil ? " (full retrain)" : " (warm start)") + (parent.model == nil ? " against popularity" : "")
        let evaluationSeconds = Date().timeIntervalSince(evaluationStart)
        guard decision.accepted else {
            try registry.finish(version: version, state: .rejected, reason: reason, trainedEvents: Int64(interactions.count),
                                candidateMetrics: candidate, servingMetrics: serving, trainingSeconds: trainingSeconds, evaluationSeconds: evaluationSeconds)
            log("rejected \(version): \(reason)")
            return "rejected"
        }
        let data = try SASRecCheckpoint(model: model, itemIDs: dataset.items.ids, metadata: metadata).encoded()
        if let checkpointURL { try AtomicFile.write(data, to: checkpointURL) }
        try registry.finish(version: version, state: .accepted, reason: reason, trainedEvents: Int64(interactions.count),
                            candidateMetrics: candidate, servingMetrics: serving, trainingSeconds: trainingSeconds,
                            evaluationSeconds: evaluationSeconds, checkpoint: try place(data, version: version), sha256: SHA256.hex(data))
        log("accepted \(version): \(reason)")
        return "accepted"
    }

    /// Where an accepted checkpoint goes: a file in the shared directory (written atomically,
    /// before the registry points at it), or the registry row.
    private func place(_ checkpoint: Data, version: String) throws -> StoredCheckpoint {
        guard let checkpointDirectory else { return .bytes(checkpoint) }
        let file = checkpointDirectory.appendingPathComponent("\(version).safetensors")
        try AtomicFile.write(checkpoint, to: file)
        return .file(path: file.path)
    }

    /// The serving Transformer's weights moved to the new catalogue, unless the request asks for
    /// a full retrain or too much of the catalogue is new.
    private func warmStart(_ request: TrainingRequest, parent: ServingModel, items: Vocabulary, seed: UInt64) throws -> SASRec? {
        guard !request.full, let serving = parent.model?.unadjusted as? SASRec else { return nil }
        let (model, known) = try serving.remapped(from: parent.items.ids, to: items.ids, seed: seed)
        return Double(items.count - known) <= policy.maxNewItemShare * Double(items.count) ? model : nil
    }

    private func finishStatus(_ outcome: String, error: String? = nil, started: Date) {
        state.withLock { state in
            state.status.state = outcome
            state.status.error = error
            state.status.finishedAt = Self.now()
            state.outcomes[outcome, default: 0] += 1
            state.lastRunSeconds = Date().timeIntervalSince(started)
        }
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// `m` + UTC time to the millisecond + 4 random hex digits: sortable and unique across replicas.
    static func newVersion() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS"
        return "m" + formatter.string(from: Date()) + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// Training figures in Prometheus text format.
    public func prometheusText() -> String {
        let (status, outcomes, seconds) = state.withLock { ($0.status, $0.outcomes, $0.lastRunSeconds) }
        var lines = [
            "# HELP novarec_trainer 1 when this replica holds the trainer role.", "# TYPE novarec_trainer gauge",
            "novarec_trainer \(status.role == "trainer" ? 1 : 0)",
            "# HELP novarec_training_running 1 while a run is in progress here.", "# TYPE novarec_training_running gauge",
            "novarec_training_running \(status.state == "running" ? 1 : 0)",
            "# HELP novarec_training_runs_total Runs finished here, by outcome.", "# TYPE novarec_training_runs_total counter",
        ]
        for outcome in ["accepted", "rejected", "failed"] { lines.append("novarec_training_runs_total{outcome=\"\(outcome)\"} \(outcomes[outcome] ?? 0)") }
        lines += ["# HELP novarec_training_last_run_seconds Wall time of the last run here.", "# TYPE novarec_training_last_run_seconds gauge",
                  "novarec_training_last_run_seconds \(seconds)"]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Why a training run could not produce a candidate.
struct TrainingRunError: Error, CustomStringConvertible {
    let description: String
}
