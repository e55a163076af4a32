import Testing
import NovarecRank

struct PersonalNoveltyRerankerTests {
    /// Items 0 and 1 are equally popular; item 0 points the same way as the history item 2,
    /// item 1 is orthogonal to it. Personal novelty: 0.5·0.5 + 0.5·0 = 0.25 and 0.5·0.5 + 0.5·1 = 0.75.
    let space = ItemSpace(
        novelty: [0.5, 0.5, 0.1], isHead: [false, false, true],
        similarity: ItemSimilarity(embeddings: [1, 0, 0, 1, 2, 0], count: 3))
    let candidates = [Candidate(item: 0, relevance: 2), Candidate(item: 1, relevance: 1)]

    @Test func personalNoveltyMixesGlobalNoveltyAndDistanceToTheHistory() {
        let reranker = PersonalNoveltyReranker()
        #expect(reranker.personalNovelty(of: 0, history: [2], in: space) == 0.25)
        #expect(reranker.personalNovelty(of: 1, history: [2], in: space) == 0.75)
        #expect(PersonalNoveltyReranker(globalWeight: 1).personalNovelty(of: 1, history: [2], in: space) == 0.5)
    }

    /// Item 1 scores `dial·0.75` against item 0's `(1 − dial) + dial·0.25`: it wins once dial > 2/3.
    @Test func prefersTheItemFarFromTheHistoryAtEqualPopularity() {
        let reranker = PersonalNoveltyReranker()
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 1, novelty: 0.65, history: [2]), in: space).items.map(\.item) == [0])
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 1, novelty: 0.7, history: [2]), in: space).items.map(\.item) == [1])
    }
}
