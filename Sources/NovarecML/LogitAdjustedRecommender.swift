import CBLAS
import Foundation

/// A model trained with logit adjustment, served with its popularity prior added back:
/// `score + τ · log p(item)`. Training with `+τ · log p` in the softmax (Menon et al., ICLR 2021)
/// leaves the model's own scores free of the catalogue's popularity bias; adding the prior back
/// gives the accurate ranking (the novelty dial's 0), and the popularity-penalty re-ranker
/// removes it step by step towards the debiased one. One vector add per scored user.
public struct LogitAdjustedRecommender: ServingLayer {
    public let base: any Recommender
    /// `τ · log p(item)`, one value per item.
    public let prior: [Float]

    public init(base: any Recommender, prior: [Float]) {
        precondition(prior.count == base.itemCount, "one prior value per item")
        self.base = base
        self.prior = prior
    }

    /// The prior `τ · log p` with `p` the add-one smoothed share of `counts` (training
    /// interactions per item); the same values the trainer adds to the softmax.
    /// - Parameter unseenAsTypical: give items without interactions the median count's prior:
    ///   for a model that places such items by their text, no data is not evidence that nobody
    ///   wants them.
    public static func prior(counts: [Double], tau: Float, unseenAsTypical: Bool = false) -> [Float] {
        let seen = counts.filter { $0 > 0 }.sorted()
        let unseen = unseenAsTypical && !seen.isEmpty ? seen[seen.count / 2] : 0
        let counts = counts.map { $0 > 0 ? $0 : unseen }
        let total = counts.reduce(0) { $0 + $1 + 1 }
        return counts.map { tau * Float(log(($0 + 1) / total)) }
    }

    public var hyperparameters: [String: Double] { base.hyperparameters }

    public func adjust(_ scores: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        cblas_saxpy(Int32(itemCount), 1, prior, 1, scores.baseAddress, 1)
    }
}
