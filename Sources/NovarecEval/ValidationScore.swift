import Foundation
import NovarecCore
import NovarecML

/// NDCG@10 of a model on the validation targets: the single figure that tuning and early
/// stopping maximise. Uses target ranks, which is cheaper than building top-K lists.
public struct ValidationScore: Sendable {
    public let runner: RankingRunner
    public let cutoff: Int

    public init(runner: RankingRunner, cutoff: Int = 10) {
        self.runner = runner
        self.cutoff = cutoff
    }

    public func ndcg(of recommender: any Recommender) -> Double {
        let ranks = runner.targetRanks(recommender, stage: .validation)
        let gains = ranks.reduce(0.0) { sum, rank in
            guard let rank, rank <= cutoff else { return sum }
            return sum + 1 / log2(Double(rank) + 1)
        }
        return gains / Double(ranks.count)
    }
}
