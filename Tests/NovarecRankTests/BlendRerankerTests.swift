import Testing
import NovarecCore
import NovarecRank

struct BlendRerankerTests {
    /// Items 0–9: relevance falls with the index, novelty rises with it; items 0–4 point one way
    /// and items 5–9 another (cosine 1 within a group, 0 across).
    let space = ItemSpace(
        novelty: (0..<10).map { Double($0) / 9 }, isHead: (0..<10).map { $0 < 2 },
        similarity: ItemSimilarity(embeddings: (0..<10).flatMap { $0 < 5 ? [Float(1), 0] : [0, 1] }, count: 10))
    let candidates = (0..<10).map { Candidate(item: Int32($0), relevance: Float(10 - $0)) }
    let reranker = BlendReranker()

    @Test func fullNoveltyPicksTheMostNovelItems() {
        let ranking = reranker.rerank(candidates, for: RerankRequest(k: 3, novelty: 1), in: space)
        #expect(ranking.items.map(\.item) == [9, 8, 7])
        #expect(abs(ranking.meanNovelty - 8.0 / 9) < 1e-12)
    }

    /// With diversity 1, after item 0 the rest of its group scores `relevance − 1 < 0` and item 5
    /// scores 4/9; once both groups are represented every candidate pays 1 and relevance decides.
    @Test func diversityPullsInTheOtherGroup() {
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 4), in: space).items.map(\.item) == [0, 1, 2, 3])
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 4, diversity: 1), in: space).items.map(\.item) == [0, 5, 1, 2])
    }

    @Test func halfDialRanksByTheBlend() {
        // 0.5 · (9 − i)/9 + 0.5 · i/9 is 0.5 for every item: ties keep the model's order.
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 3, novelty: 0.5), in: space).items.map(\.item) == [0, 1, 2])
        // Just past half, novelty wins the tie everywhere.
        #expect(reranker.rerank(candidates, for: RerankRequest(k: 3, novelty: 0.51), in: space).items.map(\.item) == [9, 8, 7])
    }

    /// Without diversity one pass is the exact top-k of the blend: monotone at every dial, not just on the grid.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func withoutDiversityOnePassIsMonotoneOnRandomCandidates(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let space = ItemSpace(novelty: (0..<300).map { _ in g.nextUnit() }, isHead: Array(repeating: false, count: 300))
        let pool = (0..<200).map { Candidate(item: Int32($0), relevance: Float(g.nextUnit() * 10)) }
        var previous = -1.0
        for step in 0...100 {
            let mean = reranker.rerank(pool, for: RerankRequest(k: 10, novelty: Double(step) / 100), in: space).meanNovelty
            #expect(mean >= previous - 1e-12, "dial \(Double(step) / 100)")
            previous = mean
        }
    }
}
