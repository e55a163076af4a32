import Foundation
import NovarecCore
import NovarecML
import Testing
@testable import NovarecEval

struct ModelTrainerTests {
    static let context: EvaluationContext = {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 1_500
        configuration.items = 400
        return EvaluationContext(dataset: SyntheticShopGenerator(configuration: configuration).generate())
    }()

    @Test func personalisedBaselinesBeatPopularityOnValidation() throws {
        var trainer = ModelTrainer(context: Self.context)
        trainer.itemKNNShrinks = [0, 10]
        trainer.itemKNNWindows = [(1, 1), (3, 0.7)]
        trainer.easeLambdas = [10, 50, 200]
        let pop = try trainer.train(.pop)
        let knn = try trainer.train(.itemknn)
        let ease = try trainer.train(.ease)
        #expect(knn.validationNDCG > 2 * pop.validationNDCG)
        #expect(ease.validationNDCG > 2 * pop.validationNDCG)
        #expect(knn.trials.count == 4)
        #expect(knn.validationNDCG == knn.trials.map(\.validationNDCG).max())
        #expect(ease.validationNDCG == ease.trials.map(\.validationNDCG).max())
        #expect((1...3).contains(ease.trials.count))
    }

    @Test func theTransformerKeepsTheNeighbourWeightThatValidatesBest() throws {
        var trainer = ModelTrainer(context: Self.context)
        trainer.sasrecConfiguration.dimension = 16
        trainer.sasrecConfiguration.innerDimension = 32
        trainer.sasrecOptions.epochs = 2
        trainer.sasrecOptions.refitEpochs = 1
        trainer.neighbourWeights = [0, 1, 100]
        let trained = try trainer.train(.sasrec)
        let weighed = trained.trials.filter { $0.hyperparameters["neighbour_weight"] != nil }
        #expect(weighed.map { $0.hyperparameters["neighbour_weight"] } == [1, 100], "every positive weight is tried once")
        let unblended = try #require(trained.trials.filter { $0.hyperparameters["epoch"] != nil }.map(\.validationNDCG).max())
        let best = max(unblended, weighed.map(\.validationNDCG).max()!)
        #expect(trained.validationNDCG == best)
        let chosen = weighed.first { $0.validationNDCG == best }?.hyperparameters["neighbour_weight"].map(Float.init)
        #expect(trained.recommender.neighbourEvidence?.weight == chosen, "the best weight is served (none when 0 validates best)")
        #expect(trained.recommender.unadjusted is SASRec)

        trainer.neighbourWeights = [0]
        let plain = try trainer.train(.sasrec)
        #expect(plain.recommender.neighbourEvidence == nil && !plain.trials.contains { $0.hyperparameters["neighbour_weight"] != nil })
    }

    @Test func validationRanksNeverSeeTheTestTarget() {
        // Every user starts with an item of their own, so histories are unique.
        let sequences: [[Int32]] = (0..<Int32(50)).map { user -> [Int32] in
            let second: Int32 = 50 + user % 7
            let third: Int32 = 60 + user % 5
            return [user, second, third, 70 + user % 3]
        }
        let dataset = Dataset(
            name: "unique", users: Vocabulary(distinctIDs: (0..<50).map(String.init)),
            items: Vocabulary(distinctIDs: (0..<80).map(String.init)), sequences: sequences)
        let split = LeaveOneOutSplit(dataset: dataset)
        let runner = RankingRunner(split: split)
        let model = PerfectTestOracle(split: split)
        let testLists = runner.topLists(model, stage: .test, k: 1)
        #expect(zip(testLists, sequences.map { $0[3] }).allSatisfy { $0 == [$1] })
        #expect(ValidationScore(runner: runner).ndcg(of: model) == 0, "a test oracle learns nothing about validation")
    }
}
