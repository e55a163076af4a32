/// The linear blend: ranks by `(1 − novelty) · relevance + novelty · itemNovelty`, relevance
/// min–max normalised over the candidates and item novelty the normalised self-information,
/// with the shared diversity penalty. Simple, but the scale of both terms depends on the
/// candidates, so a dial value means different things for different shoppers.
public struct BlendReranker: Reranker {
    public let name = "blend"

    public init() {}

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let relevance = GreedySelection.normalisedRelevance(candidates)
        return GreedySelection.select(candidates, for: request, in: space) { dial in
            candidates.indices.map { (1 - dial) * relevance[$0] + dial * space.novelty[Int(candidates[$0].item)] }
        }
    }
}
