/// Personalised long-tail promotion with xQuAD (Abdollahpouri, Burke & Mobasher, "Managing
/// Popularity Bias in Recommender Systems with Personalized Re-ranking", FLAIRS 2019): the two
/// aspects are the popularity head and the long tail (`ItemSpace.isHead`), and the shopper's
/// interest in the tail `P(tail|u)` is the share of tail items in their history (0.5 for an empty
/// history). Greedily picks the candidate with the highest marginal gain
/// `(1 − λ)·relevance + λ·Σ_a P(a|u)·P(i∈a)·Π_{j picked}(1 − P(j∈a))` (binary membership, so an
/// aspect stops counting once it is covered), λ = the novelty dial, minus the shared diversity
/// penalty.
///
/// It exists because a global novelty push serves tail lovers and head lovers alike; xQuAD only
/// brings tail items to shoppers whose history shows they take them. Coverage is not monotone in
/// novelty, so the list for a dial is the most novel xQuAD list on the dial grid up to it
/// (`DialGrid`); for a head lover the dial therefore mostly keeps the model's order.
public struct XQuADReranker: Reranker {
    public let name = "xquad"

    public init() {}

    /// `P(tail|u)`: the share of long-tail items in `history` (0.5 when it is empty).
    static func tailPreference(_ history: [Int32], in space: ItemSpace) -> Double {
        guard !history.isEmpty else { return 0.5 }
        return Double(history.count(where: { !space.isHead[Int($0)] })) / Double(history.count)
    }

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let relevance = GreedySelection.normalisedRelevance(candidates)
        let tail = Self.tailPreference(request.history, in: space)
        let isHead = candidates.map { space.isHead[Int($0.item)] }
        let similarities = CandidateSimilarities(candidates, in: space)
        return DialGrid.mostNovel(upTo: request.novelty) { dial in
            MarginalGreedy.select(candidates, k: request.k, penalty: request.diversity, in: space, similarities: similarities) { picked in
                let headCovered = picked.contains { isHead[$0] }
                let tailCovered = picked.contains { !isHead[$0] }
                let headGain = headCovered ? 0 : 1 - tail
                let tailGain = tailCovered ? 0 : tail
                return candidates.indices.map { (1 - dial) * relevance[$0] + dial * (isHead[$0] ? headGain : tailGain) }
            }
        }
    }
}
