import Foundation
import NovarecCore
import Testing
@testable import NovarecML

/// The text-aware Transformer: every item embedding is its id part plus a learned projection
/// of its frozen text vector. Checked: the projection's gradient, that the text reaches the
/// scores, that an item nobody has bought is placed by its text, and the checkpoint round trip.
struct TextAwareSASRecTests {
    static let items = 21
    /// Item `i`'s text is "one-hot i", except item 20 (never bought) whose text is item 5's.
    static let text: [Float] = (0..<items).flatMap { item in (0..<items).map { Float($0 == (item == 20 ? 5 : item) ? 1 : 0) } }

    static func configuration() -> SASRecConfiguration {
        var configuration = SASRecTests.tinyConfiguration(items: items)
        configuration.dimension = 16
        configuration.innerDimension = 32
        configuration.textWidth = items
        return configuration
    }

    @Test func theProjectionGradientMatchesFiniteDifferences() throws {
        var configuration = SASRecTests.tinyConfiguration(items: 5)
        configuration.textWidth = 3
        let text = GradientCheck.values(5 * 3, seed: 4)
        let model = try SASRec(configuration: configuration, seed: 2, itemText: text)
        let (d, projection, embedding) = (configuration.dimension, model.layout.textProjection!, model.layout.itemEmbedding)
        // L = Σ w · (E + T·P): ∂L/∂E is w, ∂L/∂P must be Tᵀ · w.
        let upstream = GradientCheck.values(5 * d, seed: 7)
        func loss(_ p: [Float]) -> Double {
            var values = model.parameters.values
            values.replaceSubrange(projection..<(projection + 3 * d), with: p)
            let runtime = SASRec.runtimeValues(values, layout: model.layout, configuration: configuration, itemText: text)
            return weightedSum(Array(runtime[embedding..<(embedding + 5 * d)]), upstream)
        }
        var gradients = model.parameters.zeros()
        gradients.replaceSubrange(embedding..<(embedding + 5 * d), with: upstream)
        let trainer = try SASRecTrainer(configuration: configuration, options: SASRecTrainingOptions())
        gradients.withUnsafeMutableBufferPointer { trainer.projectTextGradient(model, gradients: $0.baseAddress!) }
        GradientCheck.expectAgreement(
            "text projection", point: Array(model.parameters.values[projection..<(projection + 3 * d)]),
            analytic: Array(gradients[projection..<(projection + 3 * d)]), loss: loss)
    }

    @Test func textReachesTheScoresAndAWrongTextWidthIsRefused() throws {
        let model = try SASRec(configuration: Self.configuration(), seed: 1, itemText: Self.text)
        let idOnly = try SASRec(configuration: Self.configuration(), seed: 1, itemText: [Float](repeating: 0, count: Self.text.count))
        #expect(RecommenderContract.scores(model, [1, 2]) != RecommenderContract.scores(idOnly, [1, 2]))
        #expect(throws: SASRecError.self) { try SASRec(configuration: Self.configuration(), seed: 1) }
        #expect(throws: SASRecError.self) { try SASRec(configuration: Self.configuration(), seed: 1, itemText: [1, 2, 3]) }
    }

    /// The successor rule of `SASRecTrainingTests` over items 0–19; item 20 is never bought.
    private func train(textWidth: Int) throws -> SASRec {
        var configuration = Self.configuration()
        configuration.textWidth = textWidth
        let trainer = try SASRecTrainer(configuration: configuration, options: SASRecTrainingTests.options(epochs: 12))
        var weights = [Double](repeating: 1, count: Self.items)
        weights[20] = 0
        return try trainer.train(
            sequences: SASRecTrainingTests.successorSequences, itemWeights: weights, itemText: textWidth > 0 ? Self.text : nil
        ).model
    }

    @Test func anItemNobodyBoughtIsPlacedByItsText() throws {
        let history: ArraySlice<Int32> = [1, 2, 3, 4]
        let textAware = RecommenderContract.topItems(RecommenderContract.scores(try train(textWidth: Self.items), history), excluding: history, k: 3)
        #expect(textAware.first == 5 && textAware.contains(20), "item 20 reads like item 5, the next item: \(textAware)")
        let idOnly = RecommenderContract.topItems(RecommenderContract.scores(try train(textWidth: 0), history), excluding: history, k: 3)
        #expect(!idOnly.contains(20), "without text nothing lifts item 20: \(idOnly)")
    }

    @Test func theCheckpointCarriesTheTextAndScoresBitIdentically() throws {
        let model = try SASRec(configuration: Self.configuration(), seed: 3, itemText: Self.text)
        let checkpoint = SASRecCheckpoint(model: model, itemIDs: (0..<Self.items).map { "sku-\($0)" })
        let loaded = try SASRecCheckpoint.decode(try checkpoint.encoded(), source: "memory")
        #expect(loaded.model.itemText == Self.text && loaded.model.configuration.textWidth == Self.items)
        #expect(RecommenderContract.scores(loaded.model, [3, 4]) == RecommenderContract.scores(model, [3, 4]))
        let old = try JSONDecoder().decode(
            SASRecConfiguration.self, from: Data(#"{"itemCount":3,"dimension":8,"layers":1,"heads":2,"innerDimension":8,"maxLength":4,"dropout":0.1}"#.utf8))
        #expect(old.textWidth == 0, "checkpoints from before text-aware models load as id-only")
    }
}
