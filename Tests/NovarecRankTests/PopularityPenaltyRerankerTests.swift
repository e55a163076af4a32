import Foundation
import Testing
import NovarecRank

struct PopularityPenaltyRerankerTests {
    /// 100 shoppers; items 0–3 bought by 90, 40, 5 and 0 of them.
    let counts = [90, 40, 5, 0]
    let scores: [Float] = [5, 4, 2, 1.5]

    /// Dial 0.25 with the default maximum penalty 2 is τ = 0.5:
    /// 5 − 0.5·ln 91 = 2.745, 4 − 0.5·ln 41 = 2.143, 2 − 0.5·ln 6 = 1.104, 1.5 − 0.5·ln 1 = 1.5.
    @Test func ordersByScoreMinusTauLogPopularity() {
        let space = ItemSpace(userCounts: counts, users: 100)
        let candidates = scores.indices.map { Candidate(item: Int32($0), relevance: scores[$0]) }
        let ranking = PopularityPenaltyReranker(users: 100).rerank(candidates, for: RerankRequest(k: 4, novelty: 0.25), in: space)
        let byHand = scores.indices.sorted {
            Double(scores[$0]) - 0.5 * log(Double(counts[$0] + 1)) > Double(scores[$1]) - 0.5 * log(Double(counts[$1] + 1))
        }
        #expect(ranking.items.map(\.item) == byHand.map { Int32($0) })
        #expect(byHand == [0, 1, 3, 2])
    }

    /// τ = 2 at dial 1: 5 − 2·ln 91 = −4.02 is now last and the unseen item first.
    @Test func fullDialPutsTheUnseenItemFirst() {
        let space = ItemSpace(userCounts: counts, users: 100)
        let candidates = scores.indices.map { Candidate(item: Int32($0), relevance: scores[$0]) }
        let ranking = PopularityPenaltyReranker(users: 100).rerank(candidates, for: RerankRequest(k: 4, novelty: 1), in: space)
        #expect(ranking.items.map(\.item) == [3, 2, 1, 0])
    }
}
