import Foundation
import NovarecML
import NovarecStore
import Synchronization

/// Keeps one replica serving the registry's current model: listens for acceptances and
/// rollbacks (LISTEN/NOTIFY, with a poll every `pollInterval` as a safety net), loads the new
/// checkpoint, checks its SHA-256 and swaps it into the engine; the previous model answers its
/// cached users until they are re-scored in the background. Training requests forwarded by
/// other replicas arrive on the same listening connection.
final class ModelFollower: Sendable {
    private let engine: RecommendationEngine
    private let policy: TrainingPolicy
    private let connect: @Sendable () throws -> PostgresConnection
    private let log: @Sendable (String) -> Void
    private let stopped = Atomic<Bool>(false)
    /// The re-scoring after each swap: it stops with the follower, which waits for it.
    private let handovers = BackgroundThreads()

    init(
        engine: RecommendationEngine, policy: TrainingPolicy, connect: @escaping @Sendable () throws -> PostgresConnection,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.engine = engine
        self.policy = policy
        self.connect = connect
        self.log = log
    }

    /// Stops following; a re-scoring under way stops at its next batch. `join()` waits for it.
    func stop() { stopped.store(true, ordering: .relaxed) }

    /// Waits for the re-scoring threads started after swaps (call after `stop()`).
    func join() { handovers.join() }

    /// Waits for notifications (or the poll interval) and serves the registry's current model,
    /// until `stop()`; hands forwarded training requests to `onRequest`. Runs at normal priority: it mostly waits, and the re-scoring after a swap
    /// runs on a thread of its own that paces itself.
    func follow(onRequest: (TrainingRequest) -> Void) {
        var connections: (listener: PostgresConnection, registry: ModelRegistry)?
        var nextSync = ContinuousClock.now
        while !stopped.load(ordering: .relaxed) {
            do {
                if connections == nil {
                    let listener = try connect()
                    try listener.listen(ModelRegistry.channel)
                    try listener.listen(TrainingRequestChannel.name)
                    connections = (listener, ModelRegistry(database: try connect()))
                }
                // Short waits, so that `stop()` is noticed within a second whatever the poll interval.
                let notifications = try connections!.listener.notifications(timeout: min(policy.pollInterval, Self.stopCheckSeconds))
                for notification in notifications where notification.channel == TrainingRequestChannel.name {
                    guard let request = try? JSONDecoder().decode(TrainingRequest.self, from: Data(notification.payload.utf8)) else { continue }
                    onRequest(request)
                }
                let modelChanged = notifications.contains { $0.channel == ModelRegistry.channel }
                guard modelChanged || ContinuousClock.now >= nextSync else { continue }
                try sync(connections!.registry)
                nextSync = ContinuousClock.now.advanced(by: .seconds(policy.pollInterval))
            } catch {
                log("model sync: \(error); retrying in \(policy.pollInterval) s")
                connections = nil
                pause(seconds: policy.pollInterval)
            }
        }
    }

    static let stopCheckSeconds = 1.0

    /// Sleeps `seconds` in short slices, returning early once stopped.
    private func pause(seconds: Double) {
        let end = ContinuousClock.now.advanced(by: .seconds(seconds))
        while !stopped.load(ordering: .relaxed), ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: min(Self.stopCheckSeconds, seconds))
        }
    }

    /// Loads and serves the registry's current model unless it is already served; a checkpoint
    /// whose bytes do not match their SHA-256 is refused.
    func sync(_ registry: ModelRegistry) throws {
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
        handovers.start("model handover") { [self] in
            let started = Date()
            let (rescored, cached) = engine.rescoreHandover(isCancelled: { stopped.load(ordering: .relaxed) })
            guard cached > 0 else { return }
            log(
                "handover to \(record.version) over: \(rescored) of \(cached) cached users re-scored in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            )
        }
    }
}
