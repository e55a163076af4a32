import NovarecCore
import NovarecML
import Testing

/// `NewItemPlacement` and `NewItemRecommender` on the contract's checkerboard shop, with text in
/// three directions: even items read like e₀, odd items like e₁; of the items 30–39, which
/// nobody bought here, 34 reads like the even items, 35 like the odd ones, the rest like e₂.
struct NewItemRecommenderTests {
    static let width = 3
    static let itemText: [Float] = (0..<RecommenderContract.itemCount).flatMap { item -> [Float] in
        switch item {
        case 34: [1, 0, 0]
        case 35: [0, 1, 0]
        case 30..<40: [0, 0, 1]
        default: item % 2 == 0 ? [1, 0, 0] : [0, 1, 0]
        }
    }
    static let counts = RecommenderContract.statistics.interactionCounts.enumerated().map { $0.offset >= 30 ? 0 : $0.element }
    static let base = ServingWrapperTests.knn

    static func placed(rank: Int, threshold: Float = 0.5) -> NewItemRecommender {
        NewItemRecommender(
            base: base, itemText: ItemTextVectors(values: itemText, width: width), interactionCounts: counts,
            placement: NewItemPlacement(rank: rank, threshold: threshold))
    }

    @Test func itFulfilsTheContractAndSeesItsNewItems() {
        let model = Self.placed(rank: 2)
        RecommenderContract.check(model)
        #expect(model.newItems == Array(30..<40))
        #expect(model.unadjusted is ItemKNN)
    }

    @Test func theBestMatchingNewItemTakesTheReservedPlaceAndNothingElseMoves() {
        let history: ArraySlice<Int32> = [2, 8, 14]
        let before = RecommenderContract.scores(Self.base, history)
        #expect(RecommenderContract.topItems(before, excluding: history, k: 5).firstIndex(of: 34) == nil, "the model alone ranks it low")
        let after = RecommenderContract.scores(Self.placed(rank: 2), history)
        let top = RecommenderContract.topItems(after, excluding: history, k: 5)
        #expect(top[1] == 34)
        #expect(Array(top.prefix(1) + top.dropFirst(2)) == RecommenderContract.topItems(before, excluding: history, k: 4))
        #expect((0..<RecommenderContract.itemCount).filter { before[$0] != after[$0] } == [34])
        let odd = RecommenderContract.topItems(RecommenderContract.scores(Self.placed(rank: 1), [3, 9, 15]), excluding: [3, 9, 15], k: 1)
        #expect(odd == [35])
    }

    @Test func noPlaceBelowTheThresholdForSeenItemsOrWithoutText() {
        let history: ArraySlice<Int32> = [2, 8, 14]
        let base = RecommenderContract.scores(Self.base, history)
        #expect(RecommenderContract.scores(Self.placed(rank: 2, threshold: 1.01), history) == base)
        let seen: ArraySlice<Int32> = [2, 8, 34]
        #expect(RecommenderContract.scores(Self.placed(rank: 2), seen) == RecommenderContract.scores(Self.base, seen), "34 was seen; e₂ items do not match")
        #expect(RecommenderContract.scores(Self.placed(rank: 2), []) == RecommenderContract.scores(Self.base, []))
    }

    @Test func anItemTheModelRanksHigherKeepsItsScore() {
        // 38, not 34, reads like the even items: the model ranks it 8th with a score of its own.
        var itemText = Self.itemText
        itemText.replaceSubrange((34 * Self.width)..<(35 * Self.width), with: [0, 0, 1])
        itemText.replaceSubrange((38 * Self.width)..<(39 * Self.width), with: [1, 0, 0])
        let history: ArraySlice<Int32> = [2, 8, 14]
        let base = RecommenderContract.scores(Self.base, history)
        let rank = RecommenderContract.topItems(base, excluding: history, k: 40).firstIndex(of: 38)! + 1
        for (placement, changed) in [(rank + 1, false), (rank - 1, true)] {
            let model = NewItemRecommender(
                base: Self.base, itemText: ItemTextVectors(values: itemText, width: Self.width), interactionCounts: Self.counts,
                placement: NewItemPlacement(rank: placement, threshold: 0.5))
            let scores = RecommenderContract.scores(model, history)
            #expect((scores != base) == changed, "rank \(rank), placed at \(placement)")
            #expect(RecommenderContract.topItems(scores, excluding: history, k: 40).firstIndex(of: 38)! + 1 == min(rank, placement))
        }
    }

    @Test func theProfileWeighsTheLatestItemsMostAndSkipsItemsWithoutText() throws {
        let vectors: [Float] = [1, 0, 0, 1, 1, 0]
        let rows: [Int: Int] = [1: 0, 2: 1, 4: 2]
        let profile = { (history: [Int]) in
            vectors.withUnsafeBufferPointer { buffer in
                NewItemPlacement.profile(of: history) { item in rows[item].map { UnsafeBufferPointer(rebasing: buffer[($0 * 2)..<($0 * 2 + 2)]) } }
            }
        }
        // Latest first: 3 (no text), 2 (weight 0.7), 1 (weight 0.49); 4 is beyond the three latest.
        let latest = try #require(profile([4, 1, 2, 3]))
        let norm = (0.7 * 0.7 + 0.49 * 0.49 as Float).squareRoot()
        #expect(abs(latest[0] - 0.49 / norm) < 1e-6 && abs(latest[1] - 0.7 / norm) < 1e-6)
        #expect(profile([3, 5]) == nil)
    }
}
