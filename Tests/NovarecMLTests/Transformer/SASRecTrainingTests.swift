import Foundation
import NovarecCore
import Testing
@testable import NovarecML

/// The model must actually learn: a deterministic next-item rule, the checkerboard contract,
/// and both losses; and training must be reproducible from its seed.
struct SASRecTrainingTests {
    /// Next item = previous + 1 (mod 20), from random starts.
    static let successorSequences: [ArraySlice<Int32>] = {
        var random = SeededGenerator(seed: 5)
        return (0..<300).map { _ in
            let start = Int32(random.next() % 20)
            return ArraySlice((0..<8).map { (start + $0) % 20 })
        }
    }()

    static func options(loss: SASRecTrainingOptions.Loss = .full, epochs: Int = 12) -> SASRecTrainingOptions {
        var options = SASRecTrainingOptions()
        options.epochs = epochs
        options.batchSize = 32
        options.learningRate = 5e-3
        options.warmupSteps = 10
        options.loss = loss
        return options
    }

    private func hitRateAtOne(_ model: SASRec) -> Double {
        let histories: [ArraySlice<Int32>] = (0..<20).map { start in ArraySlice((0..<4).map { (Int32(start) + $0) % 20 }) }
        let hits = histories.filter { history in
            let scores = RecommenderContract.scores(model, history)
            return scores.indices.max { scores[$0] < scores[$1] } == Int((history.last! + 1) % 20)
        }
        return Double(hits.count) / Double(histories.count)
    }

    @Test(arguments: [SASRecTrainingOptions.Loss.full, .sampled(negatives: 8)])
    func learnsADeterministicSuccessor(loss: SASRecTrainingOptions.Loss) throws {
        var configuration = SASRecTests.tinyConfiguration(items: 20)
        configuration.dimension = 16
        configuration.innerDimension = 32
        let trainer = try SASRecTrainer(configuration: configuration, options: Self.options(loss: loss))
        let result = try trainer.train(sequences: Self.successorSequences, itemWeights: [Double](repeating: 1, count: 20))
        #expect(hitRateAtOne(result.model) > 0.9)
        #expect(result.epochs.last!.loss < result.epochs.first!.loss)
    }

    @Test func fulfilsTheContractOnceTrained() throws {
        var configuration = SASRecTests.tinyConfiguration(items: RecommenderContract.itemCount, dropout: 0.2)
        configuration.dimension = 16
        configuration.innerDimension = 32
        var options = Self.options(epochs: 60)
        options.batchSize = 16
        let trainer = try SASRecTrainer(configuration: configuration, options: options)
        RecommenderContract.check(try trainer.train(sequences: RecommenderContract.trainingSequences).model)
    }

    @Test func trainingIsReproducibleAndKeepsTheBestEpoch() throws {
        let configuration = SASRecTests.tinyConfiguration(items: 20, dropout: 0.1)
        var options = Self.options(epochs: 4)
        options.patience = 10
        let trainer = try SASRecTrainer(configuration: configuration, options: options)
        let scores = [0.1, 0.3, 0.2, 0.25]
        let first = try trainer.train(sequences: Self.successorSequences, validate: Self.replay(scores))
        let again = try trainer.train(sequences: Self.successorSequences, validate: Self.replay(scores))
        let last = try trainer.train(sequences: Self.successorSequences)
        #expect(first.bestEpoch == 2 && first.bestValidation == 0.3)
        #expect(first.epochs.count == 4)
        #expect(again.model.parameters == first.model.parameters, "same seed, same model")
        #expect(last.model.parameters != first.model.parameters, "the best epoch (2) is kept, not the last (4)")
    }

    /// A validation callback that returns `scores` in order.
    static func replay(_ scores: [Double]) -> (SASRec) -> Double {
        let counter = Counter()
        return { _ in scores[counter.next()] }
    }
}

/// Hands out 0, 1, 2, ... (validation callbacks run on the training thread, one at a time).
final class Counter: @unchecked Sendable {
    private var value = 0
    func next() -> Int {
        defer { value += 1 }
        return value
    }
}
