import Foundation

/// The popularity penalty, personalised by how much of the shopper's own history is long
/// tail: `score − τ_u · ln(popularity + 1)` with `τ_u = dial × maxPenalty × tailShare(u) / 0.8`
/// (0.8 is the tail's share of all interactions, so the average shopper gets the plain
/// penalty). Shoppers who buy off the beaten path get more novelty, those who stick to
/// best-sellers keep their accuracy — the miscalibration Abdollahpouri et al. (UMAP 2021)
/// found in uniform popularity debiasing. An empty history gets the plain penalty.
public struct TailAffinityPenaltyReranker: Reranker {
    public let name = "tail-affinity-penalty"
    public let maxPenalty: Double
    public let users: Int
    /// The tail's share of all interactions (the head is the 20 % share).
    static let averageTailShare = 0.8

    public init(maxPenalty: Double = 2, users: Int) {
        self.maxPenalty = maxPenalty
        self.users = users
    }

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let weight = request.history.isEmpty ? 1 : tailShare(request.history, space) / Self.averageTailShare
        return PopularityPenaltyReranker(maxPenalty: maxPenalty * weight, users: users).rerank(candidates, for: request, in: space)
    }

    /// Share of `history` outside the popularity head.
    func tailShare(_ history: [Int32], _ space: ItemSpace) -> Double {
        Double(history.lazy.filter { !space.isHead[Int($0)] }.count) / Double(history.count)
    }
}
