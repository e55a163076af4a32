/// Greedy selection for re-rankers whose value of a candidate depends on the items already
/// picked (xQuAD's aspect coverage, calibration's divergence): each round asks for one utility
/// per candidate given the picks so far and takes the best remaining candidate after the shared
/// redundancy penalty `penalty × its highest cosine similarity to the picked items`.
/// Ties go to the candidate the model ranked higher.
enum MarginalGreedy {
    /// - Parameters:
    ///   - similarities: the request's candidate similarities, shared by its passes.
    ///   - utility: given the indices (into `candidates`) picked so far, in order, one value per
    ///     candidate (same order; values of picked candidates are ignored).
    static func select(
        _ candidates: [Candidate], k: Int, penalty: Double, in space: ItemSpace, similarities: CandidateSimilarities,
        utility: ([Int]) -> [Double]
    ) -> Ranking {
        let relevance = GreedySelection.normalisedRelevance(candidates)
        var redundancy = [Double](repeating: 0, count: candidates.count)
        var remaining = Array(candidates.indices)
        var picked: [Int] = []
        while picked.count < k, !remaining.isEmpty {
            let values = utility(picked)
            precondition(values.count == candidates.count, "one utility per candidate")
            var bestPosition = 0
            var bestScore = -Double.infinity
            for (position, index) in remaining.enumerated() {
                let score = values[index] - penalty * redundancy[index]
                if score > bestScore { (bestPosition, bestScore) = (position, score) }
            }
            let index = remaining.remove(at: bestPosition)
            picked.append(index)
            guard penalty > 0 else { continue }
            similarities.updateRedundancy(&redundancy, of: remaining, afterPicking: index, first: picked.count == 1)
        }
        return Ranking(
            items: picked.map { index in
                let item = candidates[index].item
                return RankedItem(item: item, score: candidates[index].relevance, relevance: relevance[index], novelty: space.novelty[Int(item)])
            })
    }
}
