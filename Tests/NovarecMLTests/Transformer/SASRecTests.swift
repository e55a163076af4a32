import Foundation
import NovarecCore
import Testing
@testable import NovarecML

struct SASRecTests {
    static func tinyConfiguration(items: Int, dropout: Float = 0) -> SASRecConfiguration {
        var configuration = SASRecConfiguration(itemCount: items)
        configuration.dimension = 8
        configuration.heads = 2
        configuration.layers = 2
        configuration.innerDimension = 12
        configuration.maxLength = 6
        configuration.dropout = dropout
        return configuration
    }

    /// Loss of the whole model (encoder + full softmax) on a fixed batch, and its gradient.
    private func lossAndGradient(_ model: SASRec, values: [Float]) -> (Double, [Float]) {
        let sequences: [ArraySlice<Int32>] = [[1, 2, 3, 4], [5, 0, 6], [2, 2]]
        let batch = RaggedBatch(sequences: sequences.map { $0.dropLast() }, maxLength: 6, targets: sequences.map { $0.dropFirst() })
        let encoder = model.encoder
        let d = model.configuration.dimension
        var gradients = [Float](repeating: 0, count: values.count)
        let loss = FullSoftmaxLoss(itemCount: model.itemCount, width: d)
        let value = values.withUnsafeBufferPointer { p in
            let activations = encoder.forward(batch, parameters: p.baseAddress!, dropout: nil)
            var dOutput = [Float](repeating: 0, count: batch.tokenCount * d)
            let result = gradients.withUnsafeMutableBufferPointer { g in
                loss.evaluate(
                    states: activations.output, targets: batch.targets!, embeddings: p.baseAddress! + model.layout.itemEmbedding,
                    dStates: &dOutput, dEmbeddings: g.baseAddress! + model.layout.itemEmbedding, random: 0)
            }
            gradients.withUnsafeMutableBufferPointer { g in
                encoder.backward(activations, dOutput: dOutput, parameters: p.baseAddress!, gradients: g.baseAddress!)
            }
            return result
        }
        return (value, gradients)
    }

    @Test func wholeModelGradientMatchesFiniteDifferences() throws {
        let model = try SASRec(configuration: Self.tinyConfiguration(items: 7), seed: 3)
        var values = model.parameters.values
        for i in values.indices { values[i] += GradientCheck.values(1, seed: i)[0] * 0.3 }
        let (_, gradient) = lossAndGradient(model, values: values)
        GradientCheck.expectAgreement("SASRec", point: values, analytic: gradient, tolerance: 5e-3) { lossAndGradient(model, values: $0).0 }
    }

    @Test func encodesTheLastPositionAndScoresWithOneProduct() throws {
        let model = try SASRec(configuration: Self.tinyConfiguration(items: 7), seed: 3)
        let histories: [ArraySlice<Int32>] = [[1, 2, 3], [], [4, 5, 6, 0, 1, 2, 3, 4]]
        var batched = [Float](repeating: .nan, count: 3 * 7)
        batched.withUnsafeMutableBufferPointer { model.score(histories: histories, into: $0) }
        for (row, history) in histories.enumerated() {
            let single = RecommenderContract.scores(model, history)
            #expect(zip(single, batched[(row * 7)..<((row + 1) * 7)]).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        #expect(batched[7..<14].allSatisfy { $0 == 0 }, "an empty history scores zero")
        let truncated = RecommenderContract.scores(model, [6, 0, 1, 2, 3, 4])
        #expect(zip(truncated, batched[14..<21]).allSatisfy { abs($0 - $1) < 1e-5 }, "only the last maxLength items count")
    }

    @Test func invalidConfigurationsAreRefused() {
        var configuration = Self.tinyConfiguration(items: 7)
        configuration.heads = 3
        #expect(throws: SASRecError.self) { try SASRec(configuration: configuration, seed: 1) }
        configuration = Self.tinyConfiguration(items: 7)
        configuration.dropout = 1
        #expect(throws: SASRecError.self) { try SASRec(configuration: configuration, seed: 1) }
    }
}
