import Dispatch
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecStore
import Synchronization

/// One background training run at a time: reads every event from PostgreSQL (COPY), trains the
/// Transformer with early stopping on the users' second-to-last items, writes the checkpoint
/// atomically and swaps the new model in; requests keep being served by the old model meanwhile.
public final class TrainingJob: Sendable {
    /// What `GET /v1/admin/train` reports.
    public struct Status: Sendable, Encodable {
        public var state = "idle"
        public var epoch = 0
        public var epochs = 0
        public var loss: Double?
        public var validationNDCG: Double?
        public var modelVersion: String?
        public var error: String?
        /// RFC 3339 times.
        public var startedAt: String?
        public var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case state, epoch, epochs, loss, error
            case validationNDCG = "validation_ndcg10", modelVersion = "model_version", startedAt = "started_at", finishedAt = "finished_at"
        }
    }

    private let status = Mutex(Status())
    private let checkpointURL: URL?

    /// - Parameter checkpointURL: where accepted models are written (nil: kept in memory only).
    public init(checkpointURL: URL?) { self.checkpointURL = checkpointURL }

    public var current: Status { status.withLock { $0 } }

    /// Starts a run unless one is running; returns false when one already is.
    public func start(service: RecommendationService, store: EventStore, options: SASRecTrainingOptions) -> Bool {
        let started = status.withLock { status in
            guard status.state != "running" else { return false }
            status = Status(state: "running", epochs: options.epochs, startedAt: TrainingJob.now())
            return true
        }
        guard started else { return false }
        DispatchQueue.global(qos: .utility).async { [self] in
            do {
                let version = try run(service: service, store: store, options: options)
                status.withLock { $0.state = "succeeded"; $0.modelVersion = version; $0.finishedAt = TrainingJob.now() }
            } catch {
                status.withLock { $0.state = "failed"; $0.error = "\(error)"; $0.finishedAt = TrainingJob.now() }
            }
        }
        return true
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    private func run(service: RecommendationService, store: EventStore, options: SASRecTrainingOptions) throws -> String {
        let dataset = Dataset(name: "events", interactions: try store.interactions())
        let context = EvaluationContext(dataset: dataset)
        guard context.split.userCount > 0 else { throw TrainingJobError(description: "no user has three or more events yet") }
        var trainer = ModelTrainer(context: context)
        trainer.sasrecOptions = options
        trainer.trainingProgress = { [self] progress in
            status.withLock { $0.epoch = progress.epoch; $0.loss = progress.loss; $0.validationNDCG = progress.bestValidation }
        }
        let trained = try trainer.train(.sasrec)
        guard let model = trained.recommender as? SASRec else { throw TrainingJobError(description: "training produced no model") }
        let checkpoint = SASRecCheckpoint(model: model, itemIDs: dataset.items.ids,
                                          metadata: ["novarec.validation_ndcg10": String(trained.validationNDCG)])
        if let checkpointURL { try checkpoint.write(to: checkpointURL) }
        let popularity = PopularityStatistics(itemCount: dataset.items.count, trainingSequences: dataset.sequences.map { $0[...] })
        let version = "trained-\(Int(Date().timeIntervalSince1970))"
        service.swap(to: ServingModel(checkpoint: checkpoint, version: version, userCounts: popularity.userCounts, users: dataset.users.count))
        return version
    }
}

/// Why a training run could not produce a model.
struct TrainingJobError: Error, CustomStringConvertible {
    let description: String
}
