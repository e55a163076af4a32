/// Novelty for this shopper rather than for everybody: "unexpectedness", the expected profile
/// distance of Vargas & Castells (RecSys 2011). An item's personal novelty is
/// `w · itemNovelty + (1 − w) · min(1, distance to the shopper's recent history)`, the distance
/// being `1 − max cosine` in the model's item space (1 without history or item vectors), and the
/// list maximises `(1 − dial) · relevance + dial · personalNovelty` with the shared diversity
/// penalty, through `GreedySelection`.
///
/// It exists because a globally obscure item can be more of what the shopper already buys, and a
/// popular one can be new to them. The contract's monotonicity is on global novelty, which the
/// personal term can lower, so the list for a dial is the most novel list on the dial grid up to
/// it (`DialGrid`; ties, as between equally popular items, go to the higher dial).
public struct PersonalNoveltyReranker: Reranker {
    public let name = "personal-novelty"
    /// The weight `w` of global novelty in personal novelty, in [0, 1].
    public let globalWeight: Double

    public init(globalWeight: Double = 0.5) {
        self.globalWeight = min(max(globalWeight, 0), 1)
    }

    /// The item's novelty for a shopper with `history`.
    public func personalNovelty(of item: Int32, history: [Int32], in space: ItemSpace) -> Double {
        let distance = min(1, max(0, space.distance(of: item, toHistory: history).distance))
        return globalWeight * space.novelty[Int(item)] + (1 - globalWeight) * distance
    }

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let relevance = GreedySelection.normalisedRelevance(candidates)
        let personal = candidates.map { personalNovelty(of: $0.item, history: request.history, in: space) }
        let similarities = CandidateSimilarities(candidates, in: space)
        return DialGrid.mostNovel(upTo: request.novelty) { dial in
            let utility = candidates.indices.map { (1 - dial) * relevance[$0] + dial * personal[$0] }
            return GreedySelection.greedy(candidates, request: request, space: space, utility: utility, similarities: similarities)
        }
    }
}
