import Testing
@testable import NovarecCore

struct TopKSelectorTests {
    private func select(_ scores: [Float], k: Int) -> [Int32] {
        scores.withUnsafeBufferPointer { TopKSelector.select($0, k: k) }
    }

    private func rank(_ target: Int32, _ scores: [Float]) -> Int? {
        scores.withUnsafeBufferPointer { TopKSelector.rank(of: target, in: $0) }
    }

    @Test func picksBestFirstWithTiesToTheSmallerIndex() {
        let scores: [Float] = [0.5, 2, 0.5, 3, -1, 2]
        #expect(select(scores, k: 3) == [3, 1, 5])
        #expect(select(scores, k: 5) == [3, 1, 5, 0, 2])
        #expect(select(scores, k: 0) == [])
    }

    @Test func neverPicksExcludedOrNaNItems() {
        let scores: [Float] = [1, -.infinity, .nan, 0]
        #expect(select(scores, k: 4) == [0, 3])
    }

    @Test func rankAgreesWithSelection() {
        let scores: [Float] = [0.5, 2, 0.5, 3, -1, 2]
        let full = select(scores, k: scores.count)
        for (position, item) in full.enumerated() {
            #expect(rank(item, scores) == position + 1)
        }
        #expect(rank(1, [1, -.infinity]) == nil)
    }
}
