import Testing
@testable import NovarecRank

struct CalibrationRerankerTests {
    /// Items 0–2 are in category 0, item 3 in category 1; items 4–6 are the history: two in
    /// category 0 and one in category 1, so p = (2/3, 1/3).
    let space = ItemSpace(
        novelty: [0.1, 0.1, 0.1, 0.5, 0, 0, 0], isHead: [true, true, true, false, true, true, true],
        categories: [[0], [0], [0], [1], [0], [0], [1]])
    let candidates = (0..<4).map { Candidate(item: Int32($0), relevance: Float(4 - $0)) }
    let history: [Int32] = [4, 5, 6]

    @Test func categoryMixSpreadsEachItemOverItsCategories() {
        let space = ItemSpace(novelty: [0, 0, 0], isHead: [true, true, true], categories: [[0, 1], [0], []])
        #expect(CalibrationReranker.categoryMix(of: [0, 1, 2], in: space) == [0: 0.75, 1: 0.25])
        #expect(CalibrationReranker.categoryMix(of: [2], in: space).isEmpty)
    }

    /// At dial 1 only KL(p‖q̃) counts: a category-0 item first (KL 1.27 against 2.71), then
    /// item 3 (q = (½, ½), KL 0.056 against 1.27), then category 0 again (q = p, KL 0): two to one,
    /// as in the history, where the model's own list is all category 0.
    @Test func matchesTheHistoryCategoryMix() {
        let reranker = CalibrationReranker()
        let model = reranker.rerank(candidates, for: RerankRequest(k: 3, history: history), in: space)
        #expect(model.items.map(\.item) == [0, 1, 2])
        let calibrated = reranker.rerank(candidates, for: RerankRequest(k: 3, novelty: 1, history: history), in: space)
        #expect(calibrated.items.map(\.item) == [0, 3, 1])
    }

    /// Without categories the dial blends towards novelty like `BlendReranker`.
    @Test(arguments: [0.3, 1.0])
    func withoutCategoriesItBlendsTowardsNovelty(dial: Double) {
        let flat = ItemSpace(novelty: space.novelty, isHead: space.isHead)
        let request = RerankRequest(k: 2, novelty: dial, history: history)
        let ranking = CalibrationReranker().rerank(candidates, for: request, in: flat)
        #expect(ranking == BlendReranker().rerank(candidates, for: request, in: flat))
        #expect(dial < 1 || ranking.items.first?.item == 3)
    }
}
