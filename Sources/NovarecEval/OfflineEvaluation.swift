import Foundation
import NovarecCore
import NovarecML

/// Runs the whole offline protocol for a set of baselines: train and tune each on the split,
/// rank the test targets, compute every metric, and hand each model's top lists to a sink.
public struct OfflineEvaluation: Sendable {
    public let context: EvaluationContext
    public let cutoffs: [Int]
    /// Length of the dumped lists: at least 20 (the referee's format) and at least `max(cutoffs)`.
    public let listLength: Int
    public var trainer: ModelTrainer
    private let runner: RankingRunner

    public init(context: EvaluationContext, cutoffs: [Int], observer: (any ProgressObserver)? = nil) {
        precondition(!cutoffs.isEmpty && cutoffs.allSatisfy { $0 > 0 }, "cut-offs must be positive")
        self.context = context
        self.cutoffs = cutoffs
        self.listLength = max(20, cutoffs.max()!)
        self.trainer = ModelTrainer(context: context, observer: observer)
        self.runner = RankingRunner(split: context.split, observer: observer)
    }

    /// Trains, tunes and evaluates `kind`; `sink` receives the test top lists (for dumping).
    public func evaluate(_ kind: ModelKind, sink: ([[Int32]]) throws -> Void = { _ in }) throws -> ModelEvaluation {
        let trained = try trainer.train(kind)
        let start = Date()
        let lists = runner.topLists(trained.recommender, stage: .test, k: listLength)
        let metrics = RankingMetrics(context: context).evaluate(lists: lists, targets: context.targets(.test), ks: cutoffs)
        try sink(lists)
        return ModelEvaluation(trained: trained, evaluationSeconds: Date().timeIntervalSince(start), metrics: metrics)
    }
}
