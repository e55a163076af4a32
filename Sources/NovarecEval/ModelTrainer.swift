import Foundation
import NovarecCore
import NovarecML

/// The models an evaluation can run, by their command-line names.
public enum ModelKind: String, CaseIterable, Sendable {
    case pop, itemknn, ease, sasrec
}

/// A trained model together with how it was chosen.
public struct TrainedModel: Sendable {
    public let recommender: any Recommender
    /// Validation NDCG@10 of the chosen configuration.
    public let validationNDCG: Double
    /// Every configuration tried during tuning, with its validation NDCG@10.
    public let trials: [Trial]
    public let trainingSeconds: Double

    public struct Trial: Sendable, Codable {
        public let hyperparameters: [String: Double]
        public let validationNDCG: Double
    }
}

/// Fits models on the training part of a split, tuning their hyper-parameters (or, for the
/// Transformer, choosing the epoch) on the validation targets — never on the test targets.
public struct ModelTrainer: Sendable {
    public let context: EvaluationContext
    public let validation: ValidationScore
    public let observer: (any ProgressObserver)?

    /// ItemKNN grid: shrinkage values, and (history length, recency decay) pairs.
    public var itemKNNShrinks: [Float] = [0, 10, 50, 100]
    public var itemKNNWindows: [(neighbourhood: Int, decay: Float)] = [
        (1, 1), (2, 0.8), (3, 0.7), (5, 0.7), (5, 0.9), (10, 0.8), (20, 0.9), (50, 1)
    ]
    /// EASE λ grid, searched by hill-climbing from its middle (each value costs an O(n³) inversion).
    public var easeLambdas: [Float] = [5, 10, 20, 50, 100, 200, 500, 1000]
    /// SASRec shape and training; the item count is always the split's.
    public var sasrecConfiguration: SASRecConfiguration
    public var sasrecOptions = SASRecTrainingOptions()
    /// A trained SASRec to evaluate instead of training one.
    public var sasrecCheckpoint: SASRecCheckpoint?
    /// Weights of item-neighbour evidence added to the Transformer's scores
    /// (`NeighbourBlendRecommender`), the best on the validation targets kept; `[0]` adds none.
    public var neighbourWeights: [Float] = [0, 5, 10, 20, 40]
    /// Item text vectors (`itemCount × sasrecConfiguration.textWidth`) for a text-aware Transformer.
    public var sasrecItemText: [Float]?
    /// Weights of text evidence added to a text-aware Transformer's scores
    /// (`TextEvidenceRecommender`), the best on the validation targets kept; `[0]` adds none.
    public var textWeights: [Float] = [0, 2, 4, 8, 16, 32]
    /// Where a text-aware Transformer shows the best-matching item nobody has interacted with
    /// yet (`NewItemRecommender`); nil shows new items only where the model ranks them.
    public var newItemPlacement: NewItemPlacement? = .standard
    /// Weights to start SASRec training from (warm start) instead of a fresh initialisation.
    public var sasrecInitial: SASRec?
    /// Receives SASRec training progress.
    public var trainingProgress: (@Sendable (TrainingProgress) -> Void)?
    /// Asked before every SASRec step; true stops training (`SASRecError.cancelled`).
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(context: EvaluationContext, observer: (any ProgressObserver)? = nil) {
        self.context = context
        self.validation = ValidationScore(runner: RankingRunner(split: context.split, observer: observer))
        self.observer = observer
        self.sasrecConfiguration = SASRecConfiguration(itemCount: context.split.itemCount)
    }

    public func train(_ kind: ModelKind) throws -> TrainedModel {
        let start = Date()
        let (best, trials) =
            switch kind {
            case .pop: try tune([{ MostPopular(statistics: context.popularity) }])
            case .itemknn: try tune(itemKNNCandidates())
            case .ease: try climb(easeLambdas) { try EASE(cooccurrence: context.cooccurrence, statistics: context.popularity, lambda: $0) }
            case .sasrec: try sasrec()
            }
        return TrainedModel(
            recommender: best.model, validationNDCG: best.score, trials: trials,
            trainingSeconds: Date().timeIntervalSince(start))
    }

    private func itemKNNCandidates() -> [() throws -> any Recommender] {
        itemKNNShrinks.flatMap { shrink in
            itemKNNWindows.map { window in
                {
                    ItemKNN(
                        cooccurrence: context.cooccurrence, statistics: context.popularity,
                        configuration: .init(shrink: shrink, neighbourhood: window.neighbourhood, decay: window.decay))
                }
            }
        }
    }

    private typealias Scored = (model: any Recommender, score: Double)

    /// Loads the checkpoint when one is given (its items must be the dataset's), else trains
    /// with early stopping on validation NDCG@10.
    private func sasrec() throws -> (Scored, [TrainedModel.Trial]) {
        if let checkpoint = sasrecCheckpoint {
            guard checkpoint.itemIDs == context.split.dataset.items.ids else {
                throw SASRecError.invalidCheckpoint("its item vocabulary differs from this dataset's")
            }
            let served = checkpoint.servedModel()
            let score = validation.ndcg(of: served)
            return ((served, score), [.init(hyperparameters: checkpoint.model.hyperparameters, validationNDCG: score)])
        }
        var configuration = sasrecConfiguration
        configuration.itemCount = context.split.itemCount
        let weights = context.popularity.interactionCounts.map(Double.init)
        // A logit-adjusted model is validated and served with its prior added back (novelty dial 0).
        let prior =
            sasrecOptions.logitAdjustment > 0
            ? LogitAdjustedRecommender.prior(
                counts: weights, tau: sasrecOptions.logitAdjustment, unseenAsTypical: configuration.textWidth > 0) : nil
        let served = { (model: SASRec) -> any Recommender in prior.map { LogitAdjustedRecommender(base: model, prior: $0) } ?? model }
        let progress = trainingProgress ?? { _ in }
        let trainer = try SASRecTrainer(configuration: configuration, options: sasrecOptions)
        let result = try trainer.train(
            sequences: context.split.trainingSequences, itemWeights: weights, itemText: sasrecItemText, initial: sasrecInitial,
            validate: { validation.ndcg(of: served($0)) }, progress: progress, isCancelled: isCancelled)
        var trials = result.epochs.compactMap { record in
            record.validationNDCG.map { TrainedModel.Trial(hyperparameters: ["epoch": Double(record.epoch)], validationNDCG: $0) }
        }
        let base = served(result.model)
        // Built once, and only when some neighbour weight is tried.
        let knn = neighbourWeights.contains { $0 > 0 } ? trainingNeighbours : nil
        let (weight, neighbourNDCG, weightTrials) = bestWeight(
            knn == nil ? [] : neighbourWeights, name: "neighbour_weight", unblended: result.bestValidation ?? 0
        ) { NeighbourEvidence(neighbours: knn!, weight: $0).blended(with: base) }
        let blended = knn.map { NeighbourEvidence(neighbours: $0, weight: weight).blended(with: base) } ?? base
        let (textWeight, validationNDCG, textTrials) = bestWeight(
            itemTextVectors == nil ? [] : textWeights, name: "text_weight", unblended: neighbourNDCG
        ) { withText(blended, weight: $0) }
        trials += weightTrials + textTrials
        guard sasrecOptions.refitEpochs > 0 else {
            let model = withText(blended, weight: textWeight)
            return ((placingNewItems(model, counts: context.popularity.interactionCounts), validationNDCG), trials)
        }
        var refit = sasrecOptions
        refit.epochs = refit.refitEpochs
        let extended = (0..<context.split.userCount).map { context.split.history($0, stage: .test) }
        let final = try SASRecTrainer(configuration: configuration, options: refit).train(
            sequences: extended, itemWeights: weights, initial: result.model, progress: progress, isCancelled: isCancelled)
        // The refit model has seen the validation items; so do its neighbours.
        let model = withText(blend(served(final.model), weight, neighbours: neighbours(of: extended)), weight: textWeight)
        let counts = PopularityStatistics(itemCount: context.split.itemCount, trainingSequences: extended).interactionCounts
        return ((placingNewItems(model, counts: counts), validationNDCG), trials)
    }

    /// The weight of `weights` whose model (`make(weight)`; weight 0 is the unchanged model,
    /// scoring `unblended`) has the best validation NDCG@10, that score, and one trial named
    /// `name` per positive weight tried.
    private func bestWeight(
        _ weights: [Float], name: String, unblended: Double, make: (Float) -> any Recommender
    ) -> (Float, Double, [TrainedModel.Trial]) {
        var best: (weight: Float, score: Double) = (0, unblended)
        var trials: [TrainedModel.Trial] = []
        for weight in weights where weight > 0 {
            let score = validation.ndcg(of: make(weight))
            trials.append(.init(hyperparameters: [name: Double(weight)], validationNDCG: score))
            if score > best.score { best = (weight, score) }
        }
        return (best.weight, best.score, trials)
    }

    /// The text-aware Transformer's item text vectors; nil for an id-only one.
    private var itemTextVectors: ItemTextVectors? {
        guard let sasrecItemText, sasrecConfiguration.textWidth > 0 else { return nil }
        return ItemTextVectors(values: sasrecItemText, width: sasrecConfiguration.textWidth)
    }

    /// `model` plus text evidence worth `weight` (0 or no text: `model` itself).
    private func withText(_ model: any Recommender, weight: Float) -> any Recommender {
        guard weight > 0, let itemTextVectors else { return model }
        return TextEvidenceRecommender(base: model, itemText: itemTextVectors, weight: weight)
    }

    /// `model` with a place for new items (`newItemPlacement`) when it is text-aware and some
    /// items with text have no interaction in `counts`; `model` itself otherwise.
    private func placingNewItems(_ model: any Recommender, counts: [Int]) -> any Recommender {
        guard let newItemPlacement, let itemTextVectors else { return model }
        let placed = NewItemRecommender(base: model, itemText: itemTextVectors, interactionCounts: counts, placement: newItemPlacement)
        return placed.newItems.isEmpty ? model : placed
    }

    /// `model` plus `neighbours` worth `weight` (0: `model` itself, the neighbours never built).
    private func blend(_ model: any Recommender, _ weight: Float, neighbours: @autoclosure () -> ItemKNN) -> any Recommender {
        guard weight > 0 else { return model }
        return NeighbourEvidence(neighbours: neighbours(), weight: weight).blended(with: model)
    }

    /// Item neighbours of the training part, from the context's co-occurrence and popularity.
    private var trainingNeighbours: ItemKNN {
        ItemKNN(cooccurrence: context.cooccurrence, statistics: context.popularity, configuration: NeighbourEvidence.configuration)
    }

    /// Item neighbours of `sequences` (the training part extended by the validation items).
    private func neighbours(of sequences: [ArraySlice<Int32>]) -> ItemKNN {
        ItemKNN(
            cooccurrence: ItemCooccurrence(itemCount: context.split.itemCount, trainingSequences: sequences),
            statistics: PopularityStatistics(itemCount: context.split.itemCount, trainingSequences: sequences),
            configuration: NeighbourEvidence.configuration)
    }

    /// Builds and scores candidates one at a time, keeping only the best (the first on ties).
    private func tune(_ candidates: [() throws -> any Recommender]) throws -> (Scored, [TrainedModel.Trial]) {
        var best: Scored?
        var trials: [TrainedModel.Trial] = []
        for make in candidates {
            let model = try make()
            let score = validation.ndcg(of: model)
            trials.append(.init(hyperparameters: model.hyperparameters, validationNDCG: score))
            if best == nil || score > best!.score { best = (model, score) }
        }
        return (best!, trials)
    }

    /// Hill-climbs a sorted 1-D grid from its middle: moves to the better neighbour until neither
    /// neighbour improves. Assumes the score is unimodal in the parameter, as it is for λ. Only
    /// the best model is kept in memory.
    private func climb(_ grid: [Float], make: (Float) throws -> any Recommender) throws -> (Scored, [TrainedModel.Trial]) {
        var scores: [Int: Double] = [:]
        var best: Scored?
        var trials: [TrainedModel.Trial] = []
        func score(_ index: Int) throws -> Double {
            if let known = scores[index] { return known }
            let model = try make(grid[index])
            let value = validation.ndcg(of: model)
            scores[index] = value
            trials.append(.init(hyperparameters: model.hyperparameters, validationNDCG: value))
            if best == nil || value > best!.score { best = (model, value) }
            return value
        }
        var current = grid.count / 2
        while true {
            let here = try score(current)
            let neighbours = [current - 1, current + 1].filter(grid.indices.contains)
            guard let next = try neighbours.first(where: { try score($0) > here }) else { break }
            current = next
        }
        return (best!, trials)
    }
}
