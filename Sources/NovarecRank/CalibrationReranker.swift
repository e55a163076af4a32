import Foundation

/// Calibrated recommendations (Steck, RecSys 2018): the list's category mix `q` should match
/// the shopper's `p`, both averaged over items with each item's weight spread uniformly over its
/// categories (`p` over the categorised history items, `q` over the whole list, so an
/// uncategorised pick calibrates nothing). Greedily maximises
/// `(1 − λ)·Σ relevance − λ·KL(p ‖ q̃)`, `q̃ = (1 − α)·q + α·p` with α = 0.01, λ = the novelty
/// dial, minus the shared diversity penalty.
///
/// It exists because a shopper with a minority interest gets lists made of their main one;
/// calibration gives each interest its share instead of pushing popularity either way. It is not
/// monotone in novelty, so the list for a dial is the most novel calibrated list on the dial grid
/// up to it (`DialGrid`). Without categories (none in the item space, or none in the history)
/// there is nothing to calibrate to; rather than leave the dial dead it then blends towards
/// novelty exactly as `BlendReranker` does, so the dial keeps its meaning for every shopper.
public struct CalibrationReranker: Reranker {
    public let name = "calibration"
    /// The smoothing α of `q̃`, which keeps the divergence finite.
    public let smoothing = 0.01

    public init() {}

    /// `p`: the history's category mix, each categorised item weighing 1 spread uniformly over
    /// its categories; empty when no history item has a category.
    static func categoryMix(of history: [Int32], in space: ItemSpace) -> [Int32: Double] {
        var mix: [Int32: Double] = [:]
        var items = 0.0
        for item in history {
            let categories = Set(space.categories(of: item))
            guard !categories.isEmpty else { continue }
            items += 1
            for category in categories { mix[category, default: 0] += 1 / Double(categories.count) }
        }
        return mix.mapValues { $0 / items }
    }

    public func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking {
        let mix = Self.categoryMix(of: request.history, in: space)
        guard !mix.isEmpty else { return BlendReranker().rerank(candidates, for: request, in: space) }
        // Only the shopper's categories enter KL(p ‖ q̃); each candidate's share of them, by position in `target`.
        let target = mix.sorted { $0.key < $1.key }
        let position = Dictionary(uniqueKeysWithValues: target.enumerated().map { ($1.key, $0) })
        let shares: [[(Int, Double)]] = candidates.map { candidate in
            let categories = Set(space.categories(of: candidate.item))
            return categories.compactMap { category in position[category].map { ($0, 1 / Double(categories.count)) } }
        }
        let relevance = GreedySelection.normalisedRelevance(candidates)
        let similarities = CandidateSimilarities(candidates, in: space)
        return DialGrid.mostNovel(upTo: request.novelty) { dial in
            MarginalGreedy.select(candidates, k: request.k, penalty: request.diversity, in: space, similarities: similarities) { picked in
                guard dial > 0 else { return relevance }
                var base = [Double](repeating: 0, count: target.count)
                for index in picked { for (slot, share) in shares[index] { base[slot] += share } }
                let size = Double(picked.count + 1)
                return candidates.indices.map { index in
                    var covered = base
                    for (slot, share) in shares[index] { covered[slot] += share }
                    let divergence = target.indices.reduce(0.0) { sum, slot in
                        let p = target[slot].value
                        let q = (1 - smoothing) * covered[slot] / size + smoothing * p
                        return sum + p * log(p / q)
                    }
                    return (1 - dial) * relevance[index] - dial * divergence
                }
            }
        }
    }
}

extension ItemSpace {
    /// The item's categories (empty when uncategorised or the space has none).
    func categories(of item: Int32) -> [Int32] {
        Int(item) < categories.count ? categories[Int(item)] : []
    }
}
