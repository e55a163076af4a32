import Foundation
import Testing
import NovarecCore
@testable import NovarecRank

struct NoveltyRerankerTests {
    /// Items 0–9: relevance falls with the index, novelty rises with it; even and odd items
    /// form two similarity groups.
    let candidates = (0..<10).map { NoveltyReranker.Candidate(item: Int32($0), relevance: Float(10 - $0)) }
    let reranker = NoveltyReranker(itemNovelty: (0..<10).map { Double($0) / 9 }) { a, b in a % 2 == b % 2 ? 1 : 0 }

    @Test func zeroDialsKeepTheModelOrder() {
        let ranking = reranker.rerank(candidates, k: 4, novelty: 0, diversity: 0)
        #expect(ranking.items.map(\.item) == [0, 1, 2, 3])
        #expect(ranking.items.first?.relevance == 1)
    }

    @Test func fullNoveltyPicksTheMostNovelItems() {
        let ranking = reranker.rerank(candidates, k: 3, novelty: 1, diversity: 0)
        #expect(ranking.items.map(\.item) == [9, 8, 7])
        #expect(abs(ranking.meanNovelty - 8.0 / 9) < 1e-12)
    }

    @Test func diversityAlternatesSimilarityGroups() {
        let ranking = reranker.rerank(candidates, k: 4, novelty: 0, diversity: 2)
        #expect(ranking.items.map(\.item).prefix(2).map { $0 % 2 } == [0, 1])
    }

    @Test(arguments: [0.0, 0.5, 2.0])
    func higherNoveltyNeverLowersMeanNovelty(diversity: Double) {
        var previous = -1.0
        for step in 0...20 {
            let mean = reranker.rerank(candidates, k: 5, novelty: Double(step) / 20, diversity: diversity).meanNovelty
            #expect(mean >= previous - 1e-12, "dial \(Double(step) / 20)")
            previous = mean
        }
    }

    @Test func selfInformationIsNormalised() {
        let values = NoveltyReranker.normalisedSelfInformation(userCounts: [100, 10, 1, 0], users: 100)
        #expect(values[0] == 0 && values[0].sign == .plus)
        #expect(abs(values[1] - log2(101.0 / 11) / log2(101.0)) < 1e-12)
        #expect(values[2] < 1 && values[3] == 1)
        #expect(NoveltyReranker.normalisedSelfInformation(userCounts: [1, 0], users: 1) == [0, 1], "defined for a one-user log")
    }

    @Test func shortCandidateListsAreReturnedWhole() {
        #expect(reranker.rerank(Array(candidates.prefix(2)), k: 5, novelty: 0.3, diversity: 0.2).items.count == 2)
        #expect(reranker.rerank([], k: 5, novelty: 0.3, diversity: 0.2).items.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func withoutDiversityOnePassIsMonotoneOnRandomCandidates(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let novelty = (0..<300).map { _ in random.nextUnit() }
        let reranker = NoveltyReranker(itemNovelty: novelty) { _, _ in 0 }
        let pool = (0..<200).map { NoveltyReranker.Candidate(item: Int32($0), relevance: Float(random.nextUnit() * 10)) }
        var previous = -1.0
        for step in 0...100 {
            let mean = reranker.rerank(pool, k: 10, novelty: Double(step) / 100, diversity: 0).meanNovelty
            #expect(mean >= previous - 1e-12, "dial \(Double(step) / 100)")
            previous = mean
        }
    }
}
