import Foundation
import NovarecCore
import NovarecML
import NovarecRank
import NovarecStore
import Synchronization
import Testing
@testable import NovarecService

/// The engine without any transport or database: what the routes, the dial sweep and the
/// benchmarks call.
struct RecommendationEngineTests {
    /// ItemKNN on a checkerboard shop (even users buy even items), 40 items, with item vectors
    /// that put even and odd items in two directions.
    static func engine(scale: DialScale = .identity, catalogue: Catalogue = Catalogue()) -> RecommendationEngine {
        let items = Vocabulary(orderedIDs: (0..<40).map { "sku\($0)" })
        let training: [ArraySlice<Int32>] = (0..<60).map { (user: Int) -> ArraySlice<Int32> in
            let parity = Int32(user % 2)
            return ArraySlice((0..<6).map { (step: Int) -> Int32 in Int32((user / 2 + step * 3) % 20) * 2 + parity })
        }
        let statistics = PopularityStatistics(itemCount: 40, trainingSequences: training)
        let model = ItemKNN(
            cooccurrence: ItemCooccurrence(itemCount: 40, trainingSequences: training), statistics: statistics,
            configuration: .init(shrink: 0, neighbourhood: 5, decay: 1))
        let embeddings = (0..<40).flatMap { item -> [Float] in item % 2 == 0 ? [1, Float(item) / 100] : [Float(item) / 100, 1] }
        let serving = ServingModel(
            version: "v1", model: model, items: items, userCounts: statistics.userCounts, users: 60,
            embeddings: embeddings, scale: scale)
        return RecommendationEngine(model: serving, journal: nil, catalogue: catalogue, candidateCacheUsers: 0)
    }

    let engine = Self.engine()
    let history = ["sku2", "sku8", "sku14"]

    @Test func dialZeroIsThePlainTopKOfTheModelWithoutSeenItems() throws {
        let answer = try engine.recommend(RecommendationQuery(history: history, k: 8))
        let model = engine.model
        var scores = [Float](repeating: 0, count: 40)
        scores.withUnsafeMutableBufferPointer { model.model!.score(history: history.compactMap { model.items.index(of: $0) }[...], into: $0) }
        for seen in history { scores[Int(model.items.index(of: seen)!)] = -.infinity }
        let expected = scores.withUnsafeBufferPointer { TopKSelector.select($0, k: 8) }.map { model.items.id(at: $0) }
        #expect(answer.items.map(\.itemID) == expected)
        #expect(!answer.fallback && answer.modelVersion == "v1")
    }

    @Test func theNoveltyDialRaisesTheEchoedNovelty() throws {
        var previous = -1.0
        for dial in stride(from: 0.0, through: 1.0, by: 0.25) {
            let answer = try engine.recommend(RecommendationQuery(history: history, k: 5, novelty: dial))
            #expect(answer.novelty >= previous - 1e-12, "dial \(dial)")
            #expect(abs(answer.novelty - answer.items.map(\.novelty).reduce(0, +) / 5) < 1e-12)
            previous = answer.novelty
        }
    }

    @Test func theDialScaleMapsTheServedDialToTheRerankerStrength() throws {
        let scaled = Self.engine(scale: DialScale(strengths: [0, 0.1, 0.2]))
        let half = try scaled.recommend(RecommendationQuery(history: history, k: 5, novelty: 1))
        let direct = try engine.recommend(RecommendationQuery(history: history, k: 5, novelty: 0.2))
        #expect(half.items.map(\.itemID) == direct.items.map(\.itemID))
    }

    @Test func anUnknownUserGetsPopularityMarkedFallback() throws {
        let answer = try engine.recommend(RecommendationQuery(user: "nobody", k: 3))
        #expect(answer.fallback && answer.items.count == 3 && answer.user == "nobody")
        #expect(answer.items.allSatisfy { $0.reason.contains("popular") })
    }

    @Test func reasonsNameWhatMadeAnItemNewAndTheHistoryItemItConnectsTo() throws {
        let answer = try engine.recommend(RecommendationQuery(history: history, k: 10, novelty: 1, reranker: "personal-novelty"))
        let reasons = answer.items.map(\.reason)
        #expect(reasons.allSatisfy { $0.contains("connects to 'sku") }, "\(reasons)")
        let odd = answer.items.filter { Int($0.itemID.dropFirst(3))! % 2 == 1 }
        #expect(odd.allSatisfy { $0.reason.contains("unlike your recent items") }, "odd items point away from an even history: \(odd)")
    }

    @Test func reasonsNameANewCategoryAndTheConnectedItemByTitle() throws {
        // Even items are "skin care", odd items "fragrance"; every item has a title.
        let records = (0..<40).map {
            ItemRecord(itemID: "sku\($0)", title: "Item \($0)", description: "", categories: [$0 % 2 == 0 ? "skin care" : "fragrance"], available: true)
        }
        let engine = Self.engine(catalogue: Catalogue(records))
        let answer = try engine.recommend(RecommendationQuery(history: history, k: 10, novelty: 1, reranker: "personal-novelty"))
        let odd = answer.items.filter { Int($0.itemID.dropFirst(3))! % 2 == 1 }
        #expect(!odd.isEmpty)
        #expect(odd.allSatisfy { $0.reason.contains("from fragrance, a category new to you") }, "\(odd.map(\.reason))")
        #expect(answer.items.allSatisfy { $0.reason.contains("(connects to 'Item ") }, "\(answer.items.map(\.reason))")
        #expect(answer.items.filter { Int($0.itemID.dropFirst(3))! % 2 == 0 }.allSatisfy { !$0.reason.contains("category new to you") })
    }

    @Test(arguments: RerankerCatalog.names)
    func everyRerankerCanBeAskedForByName(name: String) throws {
        let answer = try engine.recommend(RecommendationQuery(history: history, k: 5, novelty: 0.5, reranker: name))
        #expect(answer.items.count == 5 && Set(answer.items.map(\.itemID)).isDisjoint(with: history))
    }

    /// A request scored while its shopper is erased files its list under the erased history's
    /// revision; the shopper's history begun again must not be answered from it.
    @Test func aListScoredWhileItsShopperIsErasedIsNotServedToTheirNewHistory() throws {
        let recommender = InterruptingRecommender(itemCount: 10)
        let histories = UserHistories()
        histories.append([("u", "sku0"), ("u", "sku1")], transaction: 1)
        let embeddings = (0..<10).flatMap { item in [Float(cos(Double(item) * 0.3)), Float(sin(Double(item) * 0.3))] }
        let model = ServingModel(
            version: "v1", model: recommender, items: Vocabulary(orderedIDs: (0..<10).map { "sku\($0)" }), userCounts: Array(repeating: 1, count: 10),
            users: 10, embeddings: embeddings)
        let engine = RecommendationEngine(model: model, journal: nil, histories: histories)
        recommender.interrupt {
            engine.forget(user: "u", transaction: 2)
            histories.append([("u", "sku5"), ("u", "sku6")], transaction: 3)
        }
        _ = try engine.recommend(RecommendationQuery(user: "u", k: 3, rotate: false))
        let answer = try engine.recommend(RecommendationQuery(user: "u", k: 3, rotate: false))
        #expect(!answer.items.contains { ["sku5", "sku6"].contains($0.itemID) }, "items the shopper has now")
        #expect(!answer.items.contains { $0.reason.contains("'sku0'") || $0.reason.contains("'sku1'") }, "a reason naming an erased item")
    }

    @Test func badQueriesAreRefusedWithTheField() {
        let cases: [(RecommendationQuery, String)] = [
            (RecommendationQuery(), "history"), (RecommendationQuery(user: "", k: 5), "user_id"),
            (RecommendationQuery(user: "u", k: 0), "k"), (RecommendationQuery(user: "u", novelty: 1.5), "novelty"),
            (RecommendationQuery(user: "u", diversity: -0.1), "diversity"), (RecommendationQuery(user: "u", reranker: "nope"), "reranker")
        ]
        for (query, field) in cases {
            #expect(throws: RecommendationError.self) { try engine.recommend(query) }
            do { _ = try engine.recommend(query) } catch { if case .invalid(let got, _) = error { #expect(got == field) } else { Issue.record("\(error)") } }
        }
    }

    /// The request-size bound on explicit histories belongs to the HTTP edge; in process (the
    /// offline dial sweep over shoppers with thousands of ratings) a long history is served.
    @Test func aLongExplicitHistoryIsServedInProcess() throws {
        let long = (0..<1_500).map { history[$0 % history.count] }
        let answer = try engine.recommend(RecommendationQuery(history: long, k: 5))
        #expect(answer.items.count == 5 && Set(answer.items.map(\.itemID)).isDisjoint(with: long))
    }

    @Test func anEngineWithoutAJournalRefusesToIngest() {
        #expect(throws: RecommendationError.readOnly) { try engine.ingest([]) }
    }

    @Test func similarItemsComeFromTheItemVectors() throws {
        let similar = try engine.similar(to: "sku4", k: 3)
        #expect(!similar.fallback && !similar.items.map(\.itemID).contains("sku4"))
        #expect(similar.items.allSatisfy { Int($0.itemID.dropFirst(3))! % 2 == 0 })
        #expect(throws: RecommendationError.unknownItem("nope")) { try engine.similar(to: "nope", k: 3) }
    }
}

/// Scores items by closeness to the middle of the catalogue and, the first time it scores,
/// runs the action it was given: a change to the engine's state while a request is scored.
private final class InterruptingRecommender: Recommender {
    let name = "interrupting"
    let itemCount: Int
    var hyperparameters: [String: Double] { [:] }
    private let action = Mutex<(@Sendable () -> Void)?>(nil)

    init(itemCount: Int) { self.itemCount = itemCount }

    func interrupt(with action: @escaping @Sendable () -> Void) { self.action.withLock { $0 = action } }

    func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        let pending = action.withLock { action in
            defer { action = nil }
            return action
        }
        pending?()
        for item in 0..<itemCount { scores[item] = -abs(Float(item) - Float(itemCount) / 2 + 0.5) }
    }
}
