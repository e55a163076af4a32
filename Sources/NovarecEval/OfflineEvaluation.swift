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
    /// Items made cold (`ColdItems`): HR and NDCG are also reported over the users whose test
    /// item is one of them (`ColdHR@K`, `ColdNDCG@K`, `ColdUsers`).
    public var coldItems: Set<Int32> = []
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
        let targets = context.targets(.test)
        var metrics = RankingMetrics(context: context).evaluate(lists: lists, targets: targets, ks: cutoffs)
        metrics.merge(coldMetrics(lists: lists, targets: targets)) { $1 }
        try sink(lists)
        return ModelEvaluation(trained: trained, evaluationSeconds: Date().timeIntervalSince(start), metrics: metrics)
    }

    /// HR and NDCG over the users whose test item is cold; nothing without cold items.
    private func coldMetrics(lists: [[Int32]], targets: [Int32]) -> [String: Double] {
        let users = targets.indices.filter { coldItems.contains(targets[$0]) }
        guard !users.isEmpty else { return [:] }
        let hitPositions = users.map { lists[$0].firstIndex(of: targets[$0]).map { $0 + 1 } }
        let coldTargets = users.map { targets[$0] }
        let ranking = RankingMetrics(context: context)
        var metrics = ["ColdUsers": Double(users.count)]
        for k in cutoffs {
            let accuracy = ranking.accuracy(hitPositions: hitPositions, targets: coldTargets, k: k)
            metrics["ColdHR@\(k)"] = accuracy["HR"]
            metrics["ColdNDCG@\(k)"] = accuracy["NDCG"]
        }
        return metrics
    }
}
