import NovarecCore
import NovarecML
import Testing

/// `TextEvidenceRecommender` on the contract's checkerboard shop (even items read like e₀, odd
/// items like e₁, `NewItemRecommenderTests.itemText`).
struct TextEvidenceRecommenderTests {
    static let itemText = ItemTextVectors(values: NewItemRecommenderTests.itemText, width: NewItemRecommenderTests.width)

    @Test func itFulfilsTheContractAndAddsWeightedTextSimilarity() throws {
        let base = ServingWrapperTests.knn
        let model = TextEvidenceRecommender(base: base, itemText: Self.itemText, weight: 3)
        RecommenderContract.check(model)
        let history: ArraySlice<Int32> = [2, 8, 15]
        // Profile: 15 (odd, weight 1), 8 and 2 (even, 0.7 + 0.49), normalised.
        let norm = (1 + 1.19 * 1.19 as Float).squareRoot()
        let profile: [Float] = [1.19 / norm, 1 / norm, 0]
        let text = NewItemRecommenderTests.itemText
        let expected = zip(RecommenderContract.scores(base, history), 0..<RecommenderContract.itemCount).map { score, item in
            score + 3 * (0..<3).reduce(0) { $0 + profile[$1] * text[item * 3 + $1] }
        }
        #expect(zip(expected, RecommenderContract.scores(model, history)).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(RecommenderContract.scores(model, []) == RecommenderContract.scores(base, []), "no history, no text evidence")
        #expect(model.unadjusted is ItemKNN && model.servingLayer(TextEvidenceRecommender.self)?.weight == 3)
    }
}
