import Testing
@testable import NovarecCore

struct PopularityStatisticsTests {
    @Test func countsDistinctUsersAndInteractionsAndSplitsHeadFromTail() {
        // Interactions: item 0 ×4 (3 users), item 1 ×3, item 2 ×2, item 3 ×1, item 4 never.
        let training: [ArraySlice<Int32>] = [[0, 0, 1, 2], [0, 1, 3], [0, 1, 2]]
        let statistics = PopularityStatistics(itemCount: 5, trainingSequences: training, headShare: 0.4)
        #expect(statistics.userCounts == [3, 3, 2, 1, 0])
        #expect(statistics.interactionCounts == [4, 3, 2, 1, 0])
        #expect(statistics.maxUserCount == 3)
        #expect(statistics.trainingInteractions == 10)
        // 40 % of 10 = 4: item 0 alone reaches it.
        #expect(statistics.isHead == [true, false, false, false, false])
        let wider = PopularityStatistics(itemCount: 5, trainingSequences: training, headShare: 0.5)
        #expect(wider.isHead == [true, true, false, false, false])
        #expect(wider.headCount == 2)
    }

    @Test func headTiesAreBrokenByIndex() {
        let statistics = PopularityStatistics(itemCount: 3, trainingSequences: [[2, 1, 0]], headShare: 0.3)
        #expect(statistics.isHead == [true, false, false])
    }
}
