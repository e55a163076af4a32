import Testing
@testable import NovarecCore

struct LeaveOneOutSplitTests {
    static func dataset(_ sequences: [[Int32]], items: Int) -> Dataset {
        Dataset(
            name: "t", users: Vocabulary(distinctIDs: sequences.indices.map(String.init)),
            items: Vocabulary(distinctIDs: (0..<items).map(String.init)), sequences: sequences)
    }

    @Test func holdsOutTheLastTwoItemsAndDropsShortUsers() {
        let split = LeaveOneOutSplit(dataset: Self.dataset([[0, 1, 2, 3], [4, 5], [5, 4, 3]], items: 6))
        #expect(split.users == [0, 2])
        #expect(split.trainingSequences == [[0, 1], [5]])
        #expect(Array(split.history(0, stage: .validation)) == [0, 1])
        #expect(split.target(0, stage: .validation) == 2)
        #expect(Array(split.history(0, stage: .test)) == [0, 1, 2])
        #expect(split.target(0, stage: .test) == 3)
        #expect(split.target(1, stage: .test) == 3)
        #expect(split.itemCount == 6)
    }
}
