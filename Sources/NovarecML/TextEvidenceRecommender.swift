import CBLAS

/// A model's scores plus text evidence: `score + weight · cos(text(item), profile)`, with the
/// profile the recency-weighted text of the shopper's latest items (`NewItemPlacement.profile`).
///
/// A tail item with three purchases has a barely trained vector, but its title is as good as a
/// bestseller's: items that read like what the shopper just looked at get credit whatever their
/// sales (cf. LLM-ESR, NeurIPS'24, which lifts long-tail items with language-model embeddings).
public struct TextEvidenceRecommender: ServingLayer {
    public let base: any Recommender
    public let itemText: ItemTextVectors
    public let weight: Float

    public init(base: any Recommender, itemText: ItemTextVectors, weight: Float) {
        precondition(itemText.itemCount == base.itemCount, "one text vector per item")
        self.base = base
        self.itemText = itemText
        self.weight = weight
    }

    public var hyperparameters: [String: Double] { base.hyperparameters.merging(["text_weight": Double(weight)]) { $1 } }

    public func adjust(_ scores: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        guard let profile = itemText.profile(of: history) else { return }
        itemText.addSimilarities(to: profile, weight: weight, into: scores)
    }

    /// One matrix product for all users: `scores += weight · profiles · textᵀ` (a user without a
    /// profile has a zero row).
    public func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>) {
        base.score(histories: histories, into: scores)
        let width = itemText.width
        var profiles = [Float](repeating: 0, count: histories.count * width)
        for (row, history) in histories.enumerated() {
            guard let profile = itemText.profile(of: history) else { continue }
            profiles.replaceSubrange((row * width)..<((row + 1) * width), with: profile)
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(histories.count), Int32(itemCount), Int32(width), weight, profiles, Int32(width),
            itemText.values, Int32(width), 1, scores.baseAddress, Int32(itemCount))
    }

}
