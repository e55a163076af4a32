import Foundation
import NovarecCore
import Testing
import NovarecRank

struct ItemSpaceTests {
    @Test func selfInformationIsNormalised() {
        let values = ItemSpace.normalisedSelfInformation(userCounts: [100, 10, 1, 0], users: 100)
        #expect(values[0] == 0 && values[0].sign == .plus)
        #expect(abs(values[1] - log2(101.0 / 11) / log2(101.0)) < 1e-12)
        #expect(values[2] < 1 && values[3] == 1)
        #expect(ItemSpace.normalisedSelfInformation(userCounts: [1, 0], users: 1) == [0, 1], "defined for a one-user log")
    }

    @Test func theHeadIsThePopularityStatisticsHead() {
        // 20 % of 100 interactions: the 50-item alone.
        #expect(ItemSpace(userCounts: [30, 50, 10, 10], users: 60).isHead == [false, true, false, false])
    }

    @Test func similarityIsTheCosineOfTheItemVectors() {
        let similarity = ItemSimilarity(embeddings: [3, 0, 1, 1, 0, -2], count: 3)
        #expect(abs(similarity.cosine(0, 1) - 0.5.squareRoot()) < 1e-6)
        #expect(abs(similarity.cosine(0, 2)) < 1e-6 && abs(similarity.cosine(1, 2) + 0.5.squareRoot()) < 1e-6)
        #expect(similarity.similarities(to: 0).map { ($0 * 1000).rounded() } == [1000, 707, 0])
        #expect(ItemSimilarity(embeddings: nil, count: 3).cosine(0, 1) == 0)
    }

    @Test func distanceToTheHistoryIsToTheNearestRecentItem() {
        let space = ItemSpace(userCounts: [1, 1, 1], users: 2, embeddings: [3, 0, 1, 1, 0, -2])
        let (distance, nearest) = space.distance(of: 0, toHistory: [2, 1])
        #expect(abs(distance - (1 - 0.5.squareRoot())) < 1e-6 && nearest == 1)
        #expect(space.distance(of: 0, toHistory: [2, 1], recent: 1).nearest == 1)
        #expect(space.distance(of: 0, toHistory: [1, 2], recent: 1).nearest == 2)
        #expect(space.distance(of: 0, toHistory: []) == (1, nil))
    }
}
