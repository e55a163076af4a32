import Foundation
import NovarecCore
import NovarecEval
import NovarecML

/// One training run from interactions to a decision, with no database and no thread of its
/// own: trains a Transformer (warm-started from the serving model when the catalogue allows),
/// calibrates its novelty dial, measures it and the serving model through the engine on the
/// same held-out items, and lets the validation gate decide. The coordinator records the
/// outcome and publishes an accepted checkpoint.
struct TrainingRun {
    let policy: TrainingPolicy
    let request: TrainingRequest
    let version: String
    /// The model served when the run started (popularity alone when it has no model).
    let parent: ServingModel
    /// Items' text vectors: the run trains a text-aware Transformer when at least
    /// `TrainingRun.textCoverage` of its items have one.
    var itemText = ItemTextIndex()

    /// Share of the run's items that must have a text vector for a text-aware model.
    static let textCoverage = 0.5

    /// What a run produced.
    struct Outcome {
        let accepted: Bool
        let reason: String
        /// The encoded checkpoint (with its popularity, logit-adjustment and dial metadata).
        let checkpoint: Data
        let trainedEvents: Int
        let candidateFigures: [String: Double]
        let servingFigures: [String: Double]
        let trainingSeconds: Double
        let evaluationSeconds: Double
    }

    /// The policy's training options with the request's overrides; a run never takes longer
    /// than the policy allows (a request forwarded from a replica with another limit included).
    var options: SASRecTrainingOptions {
        var options = policy.options
        options.epochs = request.options.epochs ?? options.epochs
        options.maxSeconds = [request.options.maxSeconds, options.maxSeconds].compactMap { $0 }.min()
        options.patience = request.options.patience ?? options.patience
        return options
    }

    /// - Parameter isCancelled: asked before every training step; true ends the run with an error.
    func run(
        on interactions: [(user: String, item: String, time: Double)], progress: @escaping @Sendable (TrainingProgress) -> Void,
        isCancelled: @escaping @Sendable () -> Bool
    ) throws -> Outcome {
        let dataset = Dataset(name: "events", interactions: interactions)
        let context = EvaluationContext(dataset: dataset)
        guard context.split.userCount > 0 else { throw TrainingRunError(description: "no user has three or more events yet") }
        let options = options
        var trainer = ModelTrainer(context: context)
        trainer.sasrecOptions = options
        let text = itemText.aligned(to: dataset.items)
        if let text, Double(text.covered) >= Self.textCoverage * Double(dataset.items.count) {
            trainer.sasrecConfiguration.textWidth = itemText.dimension
            trainer.sasrecItemText = text.vectors
        }
        let warm = trainer.sasrecItemText == nil ? try warmStart(items: dataset.items, seed: options.seed) : nil
        trainer.sasrecInitial = warm
        trainer.trainingProgress = progress
        trainer.isCancelled = isCancelled
        let trainingStart = Date()
        let trained = try trainer.train(.sasrec)
        let trainingSeconds = Date().timeIntervalSince(trainingStart)
        let evaluationStart = Date()
        var metadata = ServingModel.popularityMetadata(userCounts: context.popularity.userCounts, users: dataset.users.count)
        metadata[ServingModel.versionKey] = version
        metadata.merge(
            SASRecCheckpoint.logitAdjustmentMetadata(
                tau: options.logitAdjustment,
                counts: context.popularity.interactionCounts.map(Double.init))
        ) { $1 }
        guard let checkpoint = SASRecCheckpoint(served: trained.recommender, itemIDs: dataset.items.ids, metadata: metadata) else {
            throw TrainingRunError(description: "training produced no Transformer")
        }
        let uncalibrated = ServingModel(checkpoint: checkpoint, version: version)!
        let calibration = DialCalibration.calibrate(uncalibrated, context: context)
        let candidate = ServedGateFigures.measure(uncalibrated.withScale(calibration.scale), context: context)
        let serving = ServedGateFigures.measure(baseline(items: dataset.items, users: dataset.users.count, context: context), context: context)
        let decision = policy.gate.decide(candidate: candidate, serving: serving)
        let reason =
            decision.reason + (warm == nil ? " (full retrain)" : " (warm start)") + (trainer.sasrecItemText == nil ? "" : " text-aware")
            + (parent.model == nil ? " against popularity" : "")
        return Outcome(
            accepted: decision.accepted, reason: reason,
            checkpoint: try checkpoint.adding(metadata: calibration.metadata).encoded(),
            trainedEvents: interactions.count, candidateFigures: candidate, servingFigures: serving,
            trainingSeconds: trainingSeconds, evaluationSeconds: Date().timeIntervalSince(evaluationStart))
    }

    /// The serving model moved onto the run's catalogue (popularity when none is served), with
    /// the run's popularity so both are judged by the same novelty.
    private func baseline(items: Vocabulary, users: Int, context: EvaluationContext) -> ServingModel {
        guard let model = parent.model else {
            return ServingModel(
                version: "popularity", model: MostPopular(statistics: context.popularity), items: items,
                userCounts: context.popularity.userCounts, users: users)
        }
        return ServingModel(
            version: parent.version, model: RemappedRecommender(model, baseItems: parent.items, items: items), items: items,
            userCounts: context.popularity.userCounts, users: users, scale: parent.novelty.scale)
    }

    /// The serving Transformer's weights moved to the new catalogue, unless the request asks for
    /// a full retrain or too much of the catalogue is new.
    private func warmStart(items: Vocabulary, seed: UInt64) throws -> SASRec? {
        guard !request.full, let serving = parent.model?.unadjusted as? SASRec, serving.configuration.textWidth == 0 else { return nil }
        let (model, known) = try serving.remapped(from: parent.items.ids, to: items.ids, seed: seed)
        return Double(items.count - known) <= policy.maxNewItemShare * Double(items.count) ? model : nil
    }
}

/// Why a training run could not produce a candidate.
struct TrainingRunError: Error, CustomStringConvertible {
    let description: String
}
