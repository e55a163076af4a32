import Foundation

/// Re-ranks a model's top candidates with the per-request `novelty` and `diversity` dials:
/// greedily picks the item maximising
/// `(1 − novelty) · relevance + novelty · itemNovelty − diversity · maxSimilarityToPicked`,
/// where relevance is min–max normalised over the candidates and item novelty is normalised
/// self-information (0 = most popular, 1 = never seen).
///
/// Guarantee: for the same request, a higher novelty dial never lowers the list's mean novelty.
/// Greedy selection with a diversity penalty is not monotone by itself, so the list for dial `a`
/// is the one with the highest mean novelty among the greedy lists for every dial on a 0.05 grid
/// up to `a` (and `a` itself): a running maximum, monotone by construction.
public struct NoveltyReranker: Sendable {
    /// A candidate item and the model's relevance score for it.
    public struct Candidate: Sendable, Equatable {
        public let item: Int32
        public let relevance: Float

        public init(item: Int32, relevance: Float) {
            self.item = item
            self.relevance = relevance
        }
    }

    /// One recommended item with the figures that placed it.
    public struct RankedItem: Sendable, Equatable {
        public let item: Int32
        /// The model's raw score, as given in the candidate.
        public let score: Float
        /// Relevance normalised to [0, 1] over the candidates.
        public let relevance: Double
        /// Normalised self-information in [0, 1].
        public let novelty: Double
    }

    /// A re-ranked list and its achieved figures.
    public struct Ranking: Sendable, Equatable {
        public let items: [RankedItem]
        public var meanNovelty: Double { items.isEmpty ? 0 : items.reduce(0) { $0 + $1.novelty } / Double(items.count) }
    }

    private let itemNovelty: [Double]
    private let similarity: @Sendable (Int32, Int32) -> Double

    /// - Parameters:
    ///   - itemNovelty: per item, normalised self-information in [0, 1].
    ///   - similarity: cosine similarity of two items (e.g. of their embeddings), in [-1, 1].
    public init(itemNovelty: [Double], similarity: @escaping @Sendable (Int32, Int32) -> Double) {
        self.itemNovelty = itemNovelty
        self.similarity = similarity
    }

    /// Normalised self-information from distinct-user popularity, add-one smoothed so that it is
    /// defined for unseen items and tiny logs: `−log₂((pop + 1)/(users + 1)) / log₂(users + 1)`,
    /// 0 for an item every user has, 1 for an item nobody has.
    public static func normalisedSelfInformation(userCounts: [Int], users: Int) -> [Double] {
        let total = Double(max(users, 0) + 1)
        let maximum = log2(max(total, 2))
        return userCounts.map { count in
            let value = -log2(Double(min(max(count, 0), users) + 1) / total) / maximum
            return min(1, max(0, value)) + 0.0
        }
    }

    /// Without a diversity weight one greedy pass is the exact top-k of a linear blend of
    /// relevance and novelty, whose total novelty cannot fall as the novelty weight rises (if the
    /// lists for dials a < b differed the other way, swapping them would improve one of the two
    /// blends), so the grid is needed only with `diversity > 0`.
    public func rerank(_ candidates: [Candidate], k: Int, novelty: Double, diversity: Double) -> Ranking {
        let dial = min(max(novelty, 0), 1)
        guard dial > 0, diversity > 0 else { return greedy(candidates, k: k, novelty: dial, diversity: diversity) }
        let dials = Array(stride(from: 0.0, to: dial, by: 0.05)) + [dial]
        var best = greedy(candidates, k: k, novelty: dials[0], diversity: diversity)
        for value in dials.dropFirst() {
            let ranking = greedy(candidates, k: k, novelty: value, diversity: diversity)
            if ranking.meanNovelty > best.meanNovelty { best = ranking }
        }
        return best
    }

    /// One greedy pass. Each candidate's highest similarity to the items picked so far is kept
    /// up to date as items are picked, so a pass costs O(k · candidates) similarity evaluations;
    /// with no diversity weight none are computed.
    private func greedy(_ candidates: [Candidate], k: Int, novelty: Double, diversity: Double) -> Ranking {
        let relevances = candidates.map { Double($0.relevance) }
        let low = relevances.min() ?? 0, high = relevances.max() ?? 0
        let span = high > low ? high - low : 1
        let base = candidates.indices.map { index in
            (1 - novelty) * (relevances[index] - low) / span + novelty * itemNovelty[Int(candidates[index].item)]
        }
        var redundancy = [Double](repeating: 0, count: candidates.count)
        var remaining = Array(candidates.indices)
        var picked: [RankedItem] = []
        while picked.count < k, !remaining.isEmpty {
            var bestPosition = 0, bestScore = -Double.infinity
            for (position, index) in remaining.enumerated() {
                let score = base[index] - diversity * redundancy[index]
                if score > bestScore { (bestPosition, bestScore) = (position, score) }
            }
            let index = remaining.remove(at: bestPosition)
            let item = candidates[index].item
            picked.append(RankedItem(item: item, score: candidates[index].relevance, relevance: (relevances[index] - low) / span, novelty: itemNovelty[Int(item)]))
            guard diversity > 0 else { continue }
            for other in remaining {
                let value = similarity(candidates[other].item, item)
                redundancy[other] = picked.count == 1 ? value : max(redundancy[other], value)
            }
        }
        return Ranking(items: picked)
    }
}
