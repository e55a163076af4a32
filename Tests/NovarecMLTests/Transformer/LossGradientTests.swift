import Foundation
import Testing
@testable import NovarecML

/// The catalogue softmax losses against finite differences, and against each other.
struct LossGradientTests {
    let items = 9, width = 4, rows = 5
    var targets: [Int32] { [0, 3, 8, 3, 5] }

    private func check(_ loss: any NextItemLoss, label: String) {
        let states = GradientCheck.values(rows * width, seed: 21)
        let embeddings = GradientCheck.values(items * width, seed: 22)
        func value(_ states: [Float], _ embeddings: [Float]) -> Double {
            var dStates = [Float](repeating: 0, count: rows * width)
            var dEmbeddings = [Float](repeating: 0, count: items * width)
            return loss.evaluate(states: states, targets: targets, embeddings: embeddings, dStates: &dStates, dEmbeddings: &dEmbeddings, random: 7)
        }
        var dStates = [Float](repeating: 0, count: rows * width)
        var dEmbeddings = [Float](repeating: 0, count: items * width)
        _ = loss.evaluate(states: states, targets: targets, embeddings: embeddings, dStates: &dStates, dEmbeddings: &dEmbeddings, random: 7)
        GradientCheck.expectAgreement("\(label) dStates", point: states, analytic: dStates) { value($0, embeddings) }
        GradientCheck.expectAgreement("\(label) dEmbeddings", point: embeddings, analytic: dEmbeddings) { value(states, $0) }
    }

    @Test func fullSoftmaxGradients() {
        check(FullSoftmaxLoss(itemCount: items, width: width, chunkRows: 2), label: "full")
    }

    @Test func sampledSoftmaxGradients() {
        check(SampledSoftmaxLoss(itemCount: items, width: width, negatives: 6, itemWeights: (1...9).map(Double.init)), label: "sampled")
    }

    @Test func logitAdjustedSoftmaxGradients() {
        let bias = (0..<items).map { Float($0) * 0.3 - 1 }
        check(FullSoftmaxLoss(itemCount: items, width: width, logitBias: bias, chunkRows: 2), label: "full, adjusted")
        check(
            SampledSoftmaxLoss(itemCount: items, width: width, negatives: 6, itemWeights: (1...9).map(Double.init), logitBias: bias),
            label: "sampled, adjusted")
    }

    @Test func logitAdjustmentShiftsTheSoftmaxByTheBias() {
        // Zero state: the softmax is softmax(bias); the loss of target t is logsumexp(bias) − bias[t].
        let bias: [Float] = [0, 1, 2, 0, 0, 0, 0, 0, -1]
        let loss = FullSoftmaxLoss(itemCount: items, width: width, logitBias: bias)
        var dStates = [Float](repeating: 0, count: width)
        var dEmbeddings = [Float](repeating: 0, count: items * width)
        let value = loss.evaluate(
            states: [0, 0, 0, 0], targets: [2], embeddings: GradientCheck.values(items * width, seed: 3),
            dStates: &dStates, dEmbeddings: &dEmbeddings, random: 0)
        let logSumExp = log(bias.map { exp(Double($0)) }.reduce(0, +))
        #expect(abs(value - (logSumExp - 2)) < 1e-5)
    }

    @Test func trainerBiasIsTauTimesLogSmoothedPopularity() throws {
        var options = SASRecTrainingOptions()
        options.logitAdjustment = 0.5
        let trainer = try SASRecTrainer(configuration: SASRecConfiguration(itemCount: 3), options: options)
        let bias = try #require(trainer.logitBias(itemWeights: [0, 1, 6]))
        // Smoothed shares 1/10, 2/10, 7/10.
        for (value, share) in zip(bias, [0.1, 0.2, 0.7]) { #expect(abs(Double(value) - 0.5 * log(share)) < 1e-6) }
        options.logitAdjustment = 0
        #expect(try SASRecTrainer(configuration: SASRecConfiguration(itemCount: 3), options: options).logitBias(itemWeights: [0, 1, 6]) == nil)
    }

    @Test func fullSoftmaxValueByHand() {
        // One row, zero state: uniform softmax over 9 items, loss log 9.
        let loss = FullSoftmaxLoss(itemCount: items, width: width)
        var dStates = [Float](repeating: 0, count: width)
        var dEmbeddings = [Float](repeating: 0, count: items * width)
        let value = loss.evaluate(
            states: [0, 0, 0, 0], targets: [2], embeddings: GradientCheck.values(items * width, seed: 3),
            dStates: &dStates, dEmbeddings: &dEmbeddings, random: 0)
        #expect(abs(value - log(9.0)) < 1e-5)
    }

    @Test func fastExpIsAccurate() {
        for x in stride(from: Float(-80), through: 80, by: 0.37) {
            let reference = Float(exp(Double(x)))
            #expect(abs(FastExp.exp(x) - reference) <= 3e-7 * reference, "exp(\(x))")
        }
        #expect(FastExp.exp(-200) == 0)
    }
}

/// How a training step is cut into shards.
struct TrainingShardTests {
    @Test func shardsSplitByTokensKeepOrderAndLoseNothing() {
        let lengths = [1, 9, 2, 2, 3, 1]
        let instances = lengths.enumerated().map { index, length in
            TrainingInstances.Instance(input: ArraySlice((0..<Int32(length)).map { $0 + Int32(index * 10) }), targets: [Int32(index)])
        }
        let shards = TrainingInstances.shards(instances, count: 2)
        #expect(shards.map { $0.map(\.targets.first!) } == [[0, 1], [2, 3, 4, 5]])
        #expect(TrainingInstances.shards(Array(instances.prefix(1)), count: 2).map(\.count) == [1])
        #expect(TrainingInstances.shards(instances, count: 1).map(\.count) == [6])
    }
}
