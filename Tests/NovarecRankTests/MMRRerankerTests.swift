import Testing
import NovarecRank

struct MMRRerankerTests {
    /// Item 1 is a near-duplicate of item 0 (cosine ≈ 0.99995); item 2 is orthogonal to both,
    /// least relevant and the most novel. Normalised relevance: 1, 0.5, 0.
    let space = ItemSpace(
        novelty: [0.2, 0.2, 0.6], isHead: [true, true, false],
        similarity: ItemSimilarity(embeddings: [1, 0, 1, 0.01, 0, 1], count: 3))
    let candidates = [Candidate(item: 0, relevance: 3), Candidate(item: 1, relevance: 2), Candidate(item: 2, relevance: 1)]

    /// After item 0, MMR values item 1 at `(1 − λ)·0.5 − λ·0.99995` and item 2 at 0, so item 2
    /// replaces the near-duplicate once λ > 0.5 / 1.49995 ≈ 0.3334.
    @Test func avoidsTheNearDuplicateOnceTheDialOutweighsRelevance() {
        let reranker = MMRReranker()
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 2, novelty: 0.3), in: space).items.map(\.item) == [0, 1])
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 2, novelty: 0.35), in: space).items.map(\.item) == [0, 2])
    }

    @Test func withoutItemVectorsEveryDialKeepsTheModelOrder() {
        let flat = ItemSpace(novelty: space.novelty, isHead: space.isHead)
        #expect(MMRReranker().rerank(candidates, for: RerankRequest(k: 2, novelty: 1), in: flat).items.map(\.item) == [0, 1])
    }
}
