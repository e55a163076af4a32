/// The selection shared by re-rankers that value each candidate on its own: given a utility per
/// candidate for a dial value, it picks greedily, penalising each candidate by
/// `diversity × its highest similarity to the items already picked` (MMR's redundancy term).
///
/// Monotone in the dial: without diversity one greedy pass is the exact top-k of the utility,
/// and for a utility of the form `a(i) + dial·b(i)` with `b` increasing in novelty the list's
/// novelty cannot fall as the dial rises (if the lists for dials a < b differed the other way,
/// swapping them would improve one of the two). Greedy selection with a diversity penalty is not
/// monotone by itself, so then the dial is rounded to a 0.05 grid and the list is the most novel
/// among the greedy lists for every grid dial up to it (`DialGrid`: a running maximum, monotone
/// by construction for every dial, not only for dials on the grid).
public enum GreedySelection {
    /// - Parameter utility: one value per candidate (same order) for a dial value in [0, 1].
    public static func select(
        _ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace, utility: (Double) -> [Double]
    ) -> Ranking {
        let similarities = CandidateSimilarities(candidates, in: space)
        guard request.novelty > 0, request.diversity > 0 else {
            return greedy(candidates, request: request, space: space, utility: utility(request.novelty), similarities: similarities)
        }
        return DialGrid.mostNovel(upTo: request.novelty) {
            greedy(candidates, request: request, space: space, utility: utility($0), similarities: similarities)
        }
    }

    /// Candidates' relevance min–max normalised to [0, 1] (all 1 when they are equal).
    public static func normalisedRelevance(_ candidates: [Candidate]) -> [Double] {
        let relevances = candidates.map { Double($0.relevance) }
        let low = relevances.min() ?? 0
        let high = relevances.max() ?? 0
        guard high > low else { return relevances.map { _ in 1 } }
        return relevances.map { ($0 - low) / (high - low) }
    }

    /// One greedy pass. Each candidate's highest similarity to the items picked so far is kept
    /// up to date as items are picked, from `similarities` (shared by a request's passes), so a
    /// pass reads O(k · candidates) similarities; without a diversity weight none are read.
    static func greedy(
        _ candidates: [Candidate], request: RerankRequest, space: ItemSpace, utility: [Double], similarities: CandidateSimilarities
    ) -> Ranking {
        precondition(utility.count == candidates.count, "one utility per candidate")
        guard request.diversity > 0 else { return top(candidates, k: request.k, space: space, utility: utility) }
        let relevance = normalisedRelevance(candidates)
        var redundancy = [Double](repeating: 0, count: candidates.count)
        var remaining = Array(candidates.indices)
        var picked: [RankedItem] = []
        while picked.count < request.k, !remaining.isEmpty {
            var bestPosition = 0
            var bestScore = -Double.infinity
            for (position, index) in remaining.enumerated() {
                let score = utility[index] - request.diversity * redundancy[index]
                if score > bestScore { (bestPosition, bestScore) = (position, score) }
            }
            let index = remaining.remove(at: bestPosition)
            let item = candidates[index].item
            picked.append(RankedItem(item: item, score: candidates[index].relevance, relevance: relevance[index], novelty: space.novelty[Int(item)]))
            guard request.diversity > 0 else { continue }
            similarities.updateRedundancy(&redundancy, of: remaining, afterPicking: index, first: picked.count == 1)
        }
        return Ranking(items: picked)
    }

    /// The greedy pass without a diversity weight, in one scan: the `k` highest utilities, ties
    /// to the earlier candidate (the order the pass would pick them in). The hot path of every
    /// request without `diversity`.
    static func top(_ candidates: [Candidate], k: Int, space: ItemSpace, utility: [Double]) -> Ranking {
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for index in candidates.indices where best.count < k || utility[index] > utility[best[best.count - 1]] {
            let position = best.firstIndex { utility[index] > utility[$0] } ?? best.count
            best.insert(index, at: position)
            if best.count > k { best.removeLast() }
        }
        let relevances = candidates.lazy.map { Double($0.relevance) }
        let low = relevances.min() ?? 0
        let high = relevances.max() ?? 0
        return Ranking(
            items: best.map { index in
                let candidate = candidates[index]
                let relevance = high > low ? (Double(candidate.relevance) - low) / (high - low) : 1
                return RankedItem(item: candidate.item, score: candidate.relevance, relevance: relevance, novelty: space.novelty[Int(candidate.item)])
            })
    }
}
