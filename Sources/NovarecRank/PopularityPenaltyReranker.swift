import Foundation

/// Post-hoc logit adjustment (Menon et al., ICLR 2021), the baseline every novelty method must
/// beat: ranks by `score − τ · ln(popularity + 1)` with `τ = novelty × maxPenalty`, on the
/// model's raw scores (which are logits for the Transformer), with the shared diversity penalty
/// (utilities in units of the candidates' score span).
/// Popularity enters through the item space's self-information, which is linear in
/// `ln(popularity + 1)`, so the penalty is `τ · ln(users + 1) · itemNovelty` up to a constant.
public struct PopularityPenaltyReranker: Reranker {
    public let name = "popularity-penalty"
    /// τ at dial 1, in logit units per unit of `ln(popularity + 1)`.
    public let maxPenalty: Double
    /// Shoppers the item space's novelty was computed over (the penalty's scale).
    public let users: Int

    public init(maxPenalty: Double = 2, users: Int) {
        self.maxPenalty = maxPenalty
        self.users = max(users, 1)
    }

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let scale = log(Double(users) + 1)
        let scores = candidates.map { Double($0.relevance) }
        // In units of the candidates' score span, so the diversity penalty weighs the same as in the blend.
        let span = max((scores.max() ?? 0) - (scores.min() ?? 0), 1e-9)
        // Read once: the dial grid asks for a utility per grid dial.
        let novelty = candidates.map { space.novelty[Int($0.item)] }
        return GreedySelection.select(candidates, for: request, in: space) { dial in
            let weight = dial * maxPenalty * scale
            return scores.indices.map { (scores[$0] + weight * novelty[$0]) / span }
        }
    }
}
