import Foundation
import NovarecCore
import Testing
@testable import NovarecEval

/// Every metric on a case small enough to compute by hand, with the referee's formulas.
///
/// Training users {0,1}, {0,2}, {0,1,3}: distinct-user popularity (3, 2, 1, 1, 0), the head
/// (20 % of 7 interactions) is item 0 alone. Three lists of two against targets 1, 2, 0.
struct RankingMetricsTests {
    let metrics: RankingMetrics = {
        let training: [ArraySlice<Int32>] = [[0, 1], [0, 2], [0, 1, 3]]
        return RankingMetrics(
            popularity: PopularityStatistics(itemCount: 5, trainingSequences: training),
            cooccurrence: ItemCooccurrence(itemCount: 5, trainingSequences: training))
    }()
    let lists: [[Int32]] = [[0, 1], [2, 3], [1, 4]]
    let targets: [Int32] = [1, 2, 0]

    private func value(_ name: String) -> Double {
        metrics.evaluate(lists: lists, targets: targets, ks: [1, 2])[name]!
    }

    @Test func accuracy() {
        #expect(abs(value("HR@2") - 2.0 / 3) < 1e-12)
        #expect(abs(value("NDCG@2") - (1 / log2(3.0) + 1) / 3) < 1e-12)
        #expect(abs(value("MRR@2") - 0.5) < 1e-12)
        #expect(abs(value("HR@1") - 1.0 / 3) < 1e-12)
        #expect(abs(value("NDCG@1") - 1.0 / 3) < 1e-12)
    }

    @Test func tailHitRateCountsOnlyUsersWithTailTargets() {
        #expect(value("TailHR@2") == 1)
        #expect(value("TailHR@1") == 0.5)
    }

    @Test func noveltyIsMeanSelfInformationWithUnseenItemsCountedOnce() {
        let info: [Double] = [0, log2(1.5), log2(3.0), log2(3.0), log2(3.0)]
        let expected: Double = [info[0], info[1], info[2], info[3], info[1], info[4]].reduce(0, +) / 6
        #expect(abs(value("Novelty@2") - expected) < 1e-12)
    }

    @Test func expectedPopularityComplementPlainAndDiscounted() {
        #expect(abs(value("EPC@2") - 0.5) < 1e-12)
        let d2 = 1 / log2(3.0)
        let userA: Double = (d2 / 3) / (1 + d2)
        let userC: Double = (1.0 / 3 + d2) / (1 + d2)
        let expected: Double = (userA + 2.0 / 3 + userC) / 3
        #expect(abs(value("EPC-d@2") - expected) < 1e-12)
    }

    @Test func coverageGiniAndLongTail() {
        #expect(value("Coverage@2") == 1)
        #expect(abs(value("Coverage@1") - 0.6) < 1e-12)
        // Exposure (1, 2, 1, 1, 1): Σ(2j − n − 1)c = 4 over n Σc = 30.
        #expect(abs(value("Gini@2") - 4.0 / 30) < 1e-12)
        #expect(RankingMetrics.gini([0, 0, 0, 5]) == 0.75)
        #expect(RankingMetrics.gini([2, 2]) == 0)
        #expect(abs(value("LongTail@2") - 5.0 / 6) < 1e-12)
    }

    @Test func intraListDistanceUsesCooccurrenceCosine() {
        let closePair: Double = 1 - 2 / 6.0.squareRoot()
        let expected: Double = (closePair + 2) / 3
        #expect(abs(value("ILD@2") - expected) < 1e-12)
    }

    @Test func undefinedTailHitRateIsNaN() {
        let result = metrics.evaluate(lists: [[1, 2]], targets: [0], ks: [2])
        #expect(result["TailHR@2"]!.isNaN)
    }
}
