import Foundation
import NovarecCore
import Testing
@testable import NovarecML

/// Every layer's backward pass against finite differences of its forward pass.
struct LayerGradientTests {
    let rows = 3, width = 5

    @Test func layerNorm() {
        let x = GradientCheck.values(rows * width, seed: 1, scale: 2)
        let gamma = GradientCheck.values(width, seed: 2).map { $0 + 1.5 }
        let beta = GradientCheck.values(width, seed: 3)
        let w = GradientCheck.values(rows * width, seed: 4)
        func forward(_ x: [Float], _ gamma: [Float], _ beta: [Float]) -> (y: [Float], xhat: [Float], inverse: [Float]) {
            var y = [Float](repeating: 0, count: rows * width)
            var xhat = y
            var inverse = [Float](repeating: 0, count: rows)
            LayerNorm.forward(x, rows: rows, width: width, gamma: gamma, beta: beta, normalized: &xhat, inverseDeviation: &inverse, &y)
            return (y, xhat, inverse)
        }
        let cache = forward(x, gamma, beta)
        var dx = [Float](repeating: 0, count: rows * width)
        var dGamma = [Float](repeating: 0, count: width)
        var dBeta = dGamma
        LayerNorm.backward(
            w, rows: rows, width: width, gamma: gamma, normalized: cache.xhat, inverseDeviation: cache.inverse,
            dGamma: &dGamma, dBeta: &dBeta, dx: &dx, accumulate: false)
        GradientCheck.expectAgreement("LayerNorm dx", point: x, analytic: dx) { weightedSum(forward($0, gamma, beta).y, w) }
        GradientCheck.expectAgreement("LayerNorm dγ", point: gamma, analytic: dGamma) { weightedSum(forward(x, $0, beta).y, w) }
        GradientCheck.expectAgreement("LayerNorm dβ", point: beta, analytic: dBeta) { weightedSum(forward(x, gamma, $0).y, w) }
    }

    /// The vectorised statistics against the definition in doubles, at widths that are whole
    /// vectors (16, 64: serving's) and not (5, 70); inference (no cache) writes the same output.
    @Test func layerNormMatchesItsDefinition() {
        for width in [5, 16, 64, 70] {
            let x = GradientCheck.values(rows * width, seed: width, scale: 3).map { $0 + 2 }
            let gamma = GradientCheck.values(width, seed: 20).map { $0 + 1 }
            let beta = GradientCheck.values(width, seed: 21)
            var y = [Float](repeating: 0, count: rows * width)
            var xhat = y
            var inverse = [Float](repeating: 0, count: rows)
            LayerNorm.forward(x, rows: rows, width: width, gamma: gamma, beta: beta, normalized: &xhat, inverseDeviation: &inverse, &y)
            var inferred = [Float](repeating: 0, count: rows * width)
            LayerNorm.forward(x, rows: rows, width: width, gamma: gamma, beta: beta, normalized: nil, inverseDeviation: nil, &inferred)
            #expect(inferred == y, "width \(width)")
            for row in 0..<rows {
                let values = x[(row * width)..<((row + 1) * width)].map(Double.init)
                let mean = values.reduce(0, +) / Double(width)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                let expectedInverse = 1 / (variance + Double(LayerNorm.epsilon)).squareRoot()
                #expect(abs(Double(inverse[row]) - expectedInverse) <= 1e-5 * expectedInverse, "width \(width), row \(row)")
                for j in 0..<width {
                    let normalized: Double = (values[j] - mean) * expectedInverse
                    let expected: Double = Double(gamma[j]) * normalized + Double(beta[j])
                    #expect(abs(Double(xhat[row * width + j]) - normalized) <= 1e-5, "width \(width), row \(row), x̂ \(j)")
                    #expect(abs(Double(y[row * width + j]) - expected) <= 1e-5, "width \(width), y \(j)")
                }
            }
        }
    }

    /// Every row gets the bias, for row counts that do and do not double evenly.
    @Test func linearAddsTheBiasToEveryRow() {
        let (input, output) = (3, 5)
        let weight = GradientCheck.values(input * output, seed: 22)
        let bias = GradientCheck.values(output, seed: 23)
        for rows in [1, 2, 3, 5, 8, 9, 17] {
            let x = GradientCheck.values(rows * input, seed: rows)
            var y = [Float](repeating: .nan, count: rows * output)
            Linear.forward(x, rows: rows, input: input, output: output, weight: weight, bias: bias, &y)
            for row in 0..<rows {
                for j in 0..<output {
                    var expected = bias[j]
                    for i in 0..<input { expected += x[row * input + i] * weight[i * output + j] }
                    #expect(abs(y[row * output + j] - expected) <= 1e-5, "\(rows) rows: row \(row), output \(j)")
                }
            }
        }
    }

    @Test func linear() {
        let input = 4
        let output = 3
        let x = GradientCheck.values(rows * input, seed: 5)
        let weight = GradientCheck.values(input * output, seed: 6)
        let bias = GradientCheck.values(output, seed: 7)
        let w = GradientCheck.values(rows * output, seed: 8)
        func forward(_ x: [Float], _ weight: [Float], _ bias: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: rows * output)
            Linear.forward(x, rows: rows, input: input, output: output, weight: weight, bias: bias, &y)
            return y
        }
        var dx = [Float](repeating: 0, count: rows * input)
        var dWeight = [Float](repeating: 0, count: input * output)
        var dBias = [Float](repeating: 0, count: output)
        Linear.backward(w, x, rows: rows, input: input, output: output, weight: weight, dWeight: &dWeight, dBias: &dBias, dx: &dx)
        GradientCheck.expectAgreement("Linear dx", point: x, analytic: dx) { weightedSum(forward($0, weight, bias), w) }
        GradientCheck.expectAgreement("Linear dW", point: weight, analytic: dWeight) { weightedSum(forward(x, $0, bias), w) }
        GradientCheck.expectAgreement("Linear db", point: bias, analytic: dBias) { weightedSum(forward(x, weight, $0), w) }
    }

    @Test func gelu() {
        let x = GradientCheck.values(20, seed: 9, scale: 3)
        let w = GradientCheck.values(20, seed: 10)
        func forward(_ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: x.count)
            GELU.forward(x, count: x.count, &y)
            return y
        }
        var dx = w
        GELU.backward(x, count: x.count, &dx)
        GradientCheck.expectAgreement("GELU", point: x, analytic: dx) { weightedSum(forward($0), w) }
        var inPlace = x
        GELU.apply(&inPlace, count: inPlace.count)
        #expect(inPlace == forward(x), "apply (in place) is forward")
        let y = forward([0, 1, -1])
        #expect(abs(y[0]) < 1e-7 && abs(y[1] - 0.841_192) < 1e-4 && abs(y[2] + 0.158_808) < 1e-4, "matches the tanh GELU")
    }

    @Test func causalSelfAttention() {
        let attention = CausalSelfAttention(width: 4, heads: 2)
        let batch = RaggedBatch(sequences: [[1, 2, 3], [4, 5]], maxLength: 10)
        let n = batch.tokenCount
        let qkv = GradientCheck.values(n * 12, seed: 11)
        let w = GradientCheck.values(n * 4, seed: 12)
        let offsets = attention.probabilityOffsets(batch)
        func forward(_ qkv: [Float]) -> (output: [Float], probabilities: [Float]) {
            var probabilities = [Float](repeating: 0, count: offsets.last!)
            var output = [Float](repeating: 0, count: n * 4)
            attention.forward(batch, qkv: qkv, probabilityOffsets: offsets, probabilities: &probabilities, output: &output)
            return (output, probabilities)
        }
        let cache = forward(qkv)
        var dqkv = [Float](repeating: 0, count: n * 12)
        attention.backward(batch, qkv: qkv, probabilityOffsets: offsets, probabilities: cache.probabilities, dOutput: w, dqkv: &dqkv)
        GradientCheck.expectAgreement("attention dqkv", point: qkv, analytic: dqkv) { weightedSum(forward($0).output, w) }
        #expect(cache.probabilities[1] == 0 && cache.probabilities[0] == 1, "the first token attends only to itself")
    }

    @Test func causalAttentionNeverLooksAhead() {
        let attention = CausalSelfAttention(width: 4, heads: 1)
        let batch = RaggedBatch(sequences: [[1, 2, 3]], maxLength: 10)
        let offsets = attention.probabilityOffsets(batch)
        var qkv = GradientCheck.values(3 * 12, seed: 13)
        func firstTwoOutputs(_ qkv: [Float]) -> [Float] {
            var probabilities = [Float](repeating: 0, count: offsets.last!)
            var output = [Float](repeating: 0, count: 12)
            attention.forward(batch, qkv: qkv, probabilityOffsets: offsets, probabilities: &probabilities, output: &output)
            return Array(output[0..<8])
        }
        let before = firstTwoOutputs(qkv)
        for j in 24..<36 { qkv[j] += 5 }
        #expect(firstTwoOutputs(qkv) == before, "changing the last token leaves earlier outputs untouched")
    }

    @Test func dropoutKeepsTheExpectationAndRoutesGradientsThroughItsMask() {
        var x = [Float](repeating: 1, count: 20_000)
        var mask = x
        var random = SeededGenerator(seed: 4)
        Dropout.apply(&x, count: x.count, rate: 0.25, mask: &mask, random: &random)
        let dropped = Double(x.filter { $0 == 0 }.count) / Double(x.count)
        #expect(abs(dropped - 0.25) < 0.02)
        #expect(abs(x.reduce(0, +) / Float(x.count) - 1) < 0.03, "inverted dropout keeps the mean")
        var gradient = [Float](repeating: 2, count: x.count)
        Dropout.backward(&gradient, count: gradient.count, mask: mask)
        #expect(zip(gradient, x).allSatisfy { $0 == 2 * $1 })
    }
}
