import NovarecCore
import Testing
@testable import NovarecService

/// Live popularity counts a bounded number of item ids, and without a trained model the
/// catalogue takes new items in batches rather than one rebuild per event.
struct LivePopularityTests {
    /// A popularity-only engine over `items` catalogue ids.
    private static func engine(items: Int, maxItems: Int = 1_000_000) -> RecommendationEngine {
        let catalogue = Vocabulary(orderedIDs: (0..<items).map { "item\($0)" })
        let model = ServingModel(version: "popularity", model: nil, items: catalogue, userCounts: Array(repeating: 1, count: items), users: 1)
        let engine = RecommendationEngine(model: model, journal: nil, candidateCacheUsers: 0)
        engine.popularity.maxItems = maxItems
        return engine
    }

    @Test func atMostMaxItemsIdsAreCountedBesidesTheCatalogues() {
        let popularity = LivePopularity(initial: ["a": 2], maxItems: 3)
        #expect(popularity.record(items: ["a", "b", "c", "d", "e", "b"]) == ["b", "c"])
        #expect(popularity.countedItems == 3)
        let catalogue = Vocabulary(orderedIDs: ["a", "x"])
        _ = popularity.scores(for: catalogue, key: "k")
        #expect(popularity.record(items: ["x", "x", "y"]) == ["x"], "a catalogue id is counted even when the budget is spent")
        #expect(popularity.scores(for: catalogue, key: "k") == [3, 2])
        #expect(popularity.countedItems == 4)
    }

    @Test func aLargeCatalogueTakesNewItemsInBatchesOfOnePercent() {
        let engine = Self.engine(items: 1_000)
        for item in 0..<9 { engine.accept([(user: "u\(item)", item: "new\(item)")], transaction: UInt64(10 + item)) }
        #expect(engine.model.version == "popularity" && engine.model.items.count == 1_000, "nine items wait")
        engine.accept([(user: "u9", item: "new9"), (user: "u9", item: "new0")], transaction: 19)
        #expect(engine.model.items.count == 1_010 && engine.model.version == "popularity-1010")
        #expect((0..<10).allSatisfy { engine.model.items.index(of: "new\($0)") != nil })
        #expect(engine.popularity.scores(for: engine.model.items, key: engine.model.version)[Int(engine.model.items.index(of: "new0")!)] == 2)
    }

    @Test func aSmallShopTakesEachNewItemAtOnce() {
        let engine = Self.engine(items: 40)
        engine.accept([(user: "ann", item: "brand-new")], transaction: 10)
        #expect(engine.model.items.index(of: "brand-new") != nil)
        #expect(engine.model.items.count == 41)
    }

    @Test func theCatalogueGrowsOnlyByCountedIds() {
        let engine = Self.engine(items: 40, maxItems: 42)
        engine.accept((0..<5).map { (user: "ann", item: "new\($0)") }, transaction: 10)
        #expect(engine.model.items.count == 42, "two ids fit the budget")
        #expect(engine.popularity.countedItems == 42)
    }
}
