import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecRank
import Testing
@testable import NovarecService

/// The offline dial sweep and calibration on a generated shop with an ItemKNN model.
struct DialSweepTests {
    static let dataset: Dataset = {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 300
        configuration.items = 120
        return SyntheticShopGenerator(configuration: configuration).generate()
    }()

    static let context = EvaluationContext(dataset: dataset)

    static var engine: RecommendationEngine {
        let model = ItemKNN(cooccurrence: context.cooccurrence, statistics: context.popularity, configuration: .init(shrink: 10, neighbourhood: 5, decay: 0.8))
        let serving = ServingModel(
            version: "knn", model: model, items: dataset.items, userCounts: context.popularity.userCounts,
            users: context.split.userCount)
        return RecommendationEngine(model: serving, journal: nil, candidateCacheUsers: 0)
    }

    @Test func everyListIsTheEngineAnswerForThatUsersHistory() throws {
        let engine = Self.engine
        let sweep = DialSweep(engine: engine, context: Self.context)
        let setting = DialSweep.Setting(reranker: "popularity-penalty", novelty: 0.4)
        let (lists, served) = sweep.lists(setting, stage: .test)
        #expect(lists.count == Self.context.split.userCount)
        for user in [0, 7, 42] {
            let history = Self.context.split.history(user, stage: .test).map { Self.dataset.items.id(at: $0) }
            let answer = try engine.recommend(RecommendationQuery(history: history, k: 20, novelty: 0.4, reranker: "popularity-penalty"))
            #expect(lists[user].map { Self.dataset.items.id(at: $0) } == answer.items.map(\.itemID))
        }
        #expect(served > 0 && served < 1)
    }

    @Test func dialZeroScoresLikeThePlainRankingOfTheProtocol() {
        let engine = Self.engine
        let context = Self.context
        let point = DialSweep(engine: engine, context: context).evaluate([DialSweep.Setting(reranker: "blend", novelty: 0)]).first!
        let plain = RankingRunner(split: context.split).topLists(engine.model.model!, stage: .test, k: 20)
        let expected = RankingMetrics(context: context).evaluate(lists: plain, targets: context.targets(.test), ks: [10, 20])
        #expect(abs((point.metrics["NDCG@10"] ?? -1) - (expected["NDCG@10"] ?? -2)) < 1e-12)
        #expect(abs((point.metrics["Novelty@10"] ?? -1) - (expected["Novelty@10"] ?? -2)) < 1e-9)
    }

    @Test func calibrationSpacesTheDialByValidationNovelty() {
        let result = DialCalibration.calibrate(Self.engine.model, context: Self.context)
        let novelty = result.frontier.map(\.servedNovelty)
        #expect(novelty.count == DialCalibration.strengths.count)
        #expect(zip(novelty, novelty.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 }, "the contract's monotone novelty: \(novelty)")
        #expect(result.scale.strengths.first == 0 && result.scale.strengths.count == 11)
        #expect(zip(result.scale.strengths, result.scale.strengths.dropFirst()).allSatisfy { $0 <= $1 })
        let restored = ServingNovelty.scale(from: result.metadata)
        #expect(restored == result.scale)
    }
}
