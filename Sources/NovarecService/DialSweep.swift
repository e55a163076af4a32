import Foundation
import NovarecCore
import NovarecEval
import NovarecML

/// The novelty dial evaluated offline through exactly the call the service makes: every user of
/// the leave-one-out protocol is asked for through `RecommendationEngine.recommend` with their
/// history as an anonymous session, for each setting (re-ranker, novelty, diversity), and the
/// lists are scored with the protocol's metrics. What it measures is what `/v1/recommendations`
/// serves, candidate pool, filters and re-ranker included.
public struct DialSweep: Sendable {
    /// One served configuration.
    public struct Setting: Sendable, Hashable, Codable {
        public let reranker: String
        public let novelty: Double
        public let diversity: Double

        public init(reranker: String, novelty: Double, diversity: Double = 0) {
            self.reranker = reranker
            self.novelty = novelty
            self.diversity = diversity
        }

        /// A file-name-safe label, e.g. `popularity-penalty_n0.30_d0.00`.
        public var label: String { String(format: "%@_n%.2f_d%.2f", reranker, novelty, diversity) }
    }

    /// One setting's figures.
    public struct Point: Sendable, Codable {
        public let setting: Setting
        public let metrics: [String: Double]
        /// Mean of the novelty the engine echoed for each list (its own dial's measure).
        public let servedNovelty: Double
    }

    public let engine: RecommendationEngine
    public let context: EvaluationContext
    /// List length asked for (the referee reads 20).
    public var listLength = 20

    public init(engine: RecommendationEngine, context: EvaluationContext) {
        self.engine = engine
        self.context = context
    }

    /// Every user's list at `stage` for `setting` (dataset indices, in `split.users` order), and
    /// the mean novelty the engine reported.
    public func lists(_ setting: Setting, stage: LeaveOneOutSplit.Stage) -> (lists: [[Int32]], servedNovelty: Double) {
        let split = context.split
        let items = split.dataset.items
        // Users run in parallel, each with small products: a multi-threaded BLAS underneath would only spin against them.
        let blasThreads = OpenBLASRuntime.threadCount
        OpenBLASRuntime.threadCount = 1
        defer { OpenBLASRuntime.threadCount = blasThreads }
        let chunks = Parallel.mapChunks(count: split.userCount, chunks: 16) { users in
            users.map { user -> (list: [Int32], novelty: Double) in
                let history = split.history(user, stage: stage).map { items.id(at: $0) }
                let query = RecommendationQuery(
                    history: history, k: listLength, novelty: setting.novelty, diversity: setting.diversity,
                    reranker: setting.reranker)
                guard let answer = try? engine.recommend(query) else { return ([], 0) }
                return (answer.items.compactMap { items.index(of: $0.itemID) }, answer.novelty)
            }
        }
        let results = chunks.flatMap { $0 }
        return (results.map(\.list), results.reduce(0) { $0 + $1.novelty } / Double(max(results.count, 1)))
    }

    /// Each setting's metrics at `stage`.
    public func evaluate(_ settings: [Setting], stage: LeaveOneOutSplit.Stage = .test, cutoffs: [Int] = [10, 20]) -> [Point] {
        evaluate(settings, stage: stage, cutoffs: cutoffs) { _, _ in }
    }

    /// Each setting's metrics at `stage`; `sink` receives each setting's lists (for dumps).
    public func evaluate(
        _ settings: [Setting], stage: LeaveOneOutSplit.Stage = .test, cutoffs: [Int] = [10, 20],
        sink: (Setting, [[Int32]]) throws -> Void
    ) rethrows -> [Point] {
        let metrics = RankingMetrics(context: context)
        let targets = context.targets(stage)
        return try settings.map { setting in
            let (lists, served) = lists(setting, stage: stage)
            try sink(setting, lists)
            return Point(setting: setting, metrics: metrics.evaluate(lists: lists, targets: targets, ks: cutoffs), servedNovelty: served)
        }
    }
}
