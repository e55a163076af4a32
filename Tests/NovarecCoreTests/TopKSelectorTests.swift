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

    @Test func aNaNDoesNotHideTheScoresNextToIt() {
        var scores = [Float](repeating: 0, count: 4_096)
        for start in stride(from: 0, to: scores.count, by: 16) { scores[start] = .nan }
        scores[1_601] = 5
        scores[3_000] = 4
        #expect(select(scores, k: 2) == [1_601, 3_000])
    }

    @Test func positiveAndNegativeZeroAreOneScore() {
        #expect(select([-0.0, 0, -1, 0], k: 2) == [0, 1])
        #expect(select([0, -0.0, -1, 0], k: 3) == [0, 1, 3])
    }

    @Test func aLongRunOfEqualScoresKeepsTheSmallestIndices() {
        let scores = [Float](repeating: 1, count: 5_000) + [2] + [Float](repeating: 1, count: 5_000)
        #expect(select(scores, k: 300) == [5_000] + (0..<299).map(Int32.init))
    }

    @Test func rankAgreesWithSelection() {
        let scores: [Float] = [0.5, 2, 0.5, 3, -1, 2]
        let full = select(scores, k: scores.count)
        for (position, item) in full.enumerated() {
            #expect(rank(item, scores) == position + 1)
        }
        #expect(rank(1, [1, -.infinity]) == nil)
    }

    @Test(arguments: [1, 7, 50, 199, 200, 201, 1_000])
    func agreesWithAFullSortOnTiedAndTrendingScores(k: Int) {
        var random = SeededGenerator(seed: UInt64(k))
        let scores: [Float] = (0..<6_000).map { index in
            let roll = random.next() % 10
            if roll == 0 { return -.infinity }
            if roll < 4 { return Float(random.next() % 5) }
            return Float(index) / 100 + Float(random.next() % 3)
        }
        let sorted = scores.indices.filter { scores[$0] > -.infinity }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        #expect(select(scores, k: k) == sorted.prefix(k).map(Int32.init))
    }

    /// Catalogues whose scores span no finite range (an infinite score), a range too narrow to
    /// bucket (scores a few ulps apart), or mostly excluded items: the floor must
    /// never drop an item that belongs in the list.
    @Test(arguments: ["infinite", "ulps", "sparse", "negative"])
    func agreesWithAFullSortWhereTheScoresAreDegenerate(shape: String) {
        var random = SeededGenerator(seed: 7)
        let scores: [Float] = (0..<12_101).map { index in
            let roll = Int(random.next() % 1_000)
            switch shape {
            case "infinite": return index % 97 == 0 ? .infinity : Float(roll) / 10
            case "ulps": return 1 + Float(roll % 5) * Float(1).ulp
            case "sparse": return roll < 990 ? -.infinity : Float(roll)
            default: return -Float(roll) * 1e30
            }
        }
        let sorted = scores.indices.filter { scores[$0] > -.infinity }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        #expect(select(scores, k: 256) == sorted.prefix(256).map(Int32.init))
    }

    /// The floor comes from the maxima of groups of eight items (within blocks of 64): the list
    /// must not change when the best items crowd into a few groups, sit in the items after the
    /// last whole block, or when `k` is about the number of groups (1,000 items: 15 blocks, 120
    /// groups, 40 items after them).
    @Test(arguments: ["ascending", "descending", "afterTheBlocks", "oneBlock"], [1, 40, 119, 120, 121, 600])
    func agreesWithAFullSortWhenTheBestItemsCrowdTogether(shape: String, k: Int) {
        let scores: [Float] = (0..<1_000).map { index in
            switch shape {
            case "ascending": return Float(index / 3)
            case "descending": return -Float(index / 3)
            case "afterTheBlocks": return index >= 960 ? 10 + Float(index % 7) : Float(index % 5)
            default: return (128..<192).contains(index) ? 5 : index % 11 == 0 ? -.infinity : 1
            }
        }
        let sorted = scores.indices.filter { scores[$0] > -.infinity }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        #expect(select(scores, k: k) == sorted.prefix(k).map(Int32.init))
    }
}
