import Testing
@testable import NovarecRank

struct XQuADRerankerTests {
    /// Items 0–2 are head and items 3 and 5 tail; the pool is three head items (normalised
    /// relevance 1, 2/3, 1/3) and tail item 3 (relevance 0).
    let space = ItemSpace(novelty: [0.1, 0.1, 0.1, 0.8, 0.2, 0.9], isHead: [true, true, true, false, true, false])
    let candidates = (0..<4).map { Candidate(item: Int32($0), relevance: Float(4 - $0)) }

    @Test func tailPreferenceIsTheTailShareOfTheHistory() {
        #expect(XQuADReranker.tailPreference([3, 5, 4, 0], in: space) == 0.5)
        #expect(XQuADReranker.tailPreference([3, 5, 4], in: space) == 2.0 / 3)
        #expect(XQuADReranker.tailPreference([], in: space) == 0.5)
    }

    /// For a tail lover (P(tail|u) = 1), after item 0 the tail item gains λ against item 1's
    /// `(1 − λ)·2/3`, so it enters the list once λ > 0.4.
    @Test func bringsATailItemIntoAHeadHeavyListForATailLover() {
        let reranker = XQuADReranker()
        let lover = { (dial: Double) in RerankRequest(k: 2, novelty: dial, history: [3, 5]) }
        #expect(reranker.rerank(candidates, for: lover(0.35), in: space).items.map(\.item) == [0, 1])
        #expect(reranker.rerank(candidates, for: lover(0.45), in: space).items.map(\.item) == [0, 3])
    }

    /// A head lover (P(tail|u) = 0) gains nothing from the tail: the model's head items stay.
    @Test func leavesAHeadLoversListAlone() {
        let request = RerankRequest(k: 2, novelty: 1, history: [0, 4])
        #expect(XQuADReranker().rerank(candidates, for: request, in: space).items.map(\.item) == [0, 1])
    }
}
