/// Maximal Marginal Relevance (Carbonell & Goldstein, SIGIR 1998): greedily picks the candidate
/// maximising `(1 − λ) · relevance − (λ + diversity) · max cosine to the items already picked`,
/// with the novelty dial as MMR's trade-off λ (MMR's own λ weighs relevance, so dial = 1 − λ_MMR)
/// and relevance min–max normalised over the candidates.
///
/// It exists as the classic diversification baseline: novelty only through dissimilarity in the
/// model's item space, with no popularity signal at all. MMR is not monotone in novelty, so the
/// list for a dial is the most novel MMR list on the dial grid up to it (`DialGrid`): a
/// diversification that makes the list more popular is passed over. Without item vectors every
/// similarity is 0 and every dial keeps the model's order.
public struct MMRReranker: Reranker {
    public let name = "mmr"

    public init() {}

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let relevance = GreedySelection.normalisedRelevance(candidates)
        let similarities = CandidateSimilarities(candidates, in: space)
        return DialGrid.mostNovel(upTo: request.novelty) { dial in
            let utility = relevance.map { (1 - dial) * $0 }
            return MarginalGreedy.select(candidates, k: request.k, penalty: dial + request.diversity, in: space, similarities: similarities) { _ in utility }
        }
    }
}
