import Testing
@testable import NovarecCore

struct ItemCooccurrenceTests {
    @Test func countsDistinctUsersSharingTwoItems() {
        let training: [ArraySlice<Int32>] = [[0, 1, 1, 2], [0, 1], [2, 3], [4]]
        let cooccurrence = ItemCooccurrence(itemCount: 5, trainingSequences: training)
        #expect(cooccurrence.count(0, 1) == 2)
        #expect(cooccurrence.count(1, 0) == 2)
        #expect(cooccurrence.count(0, 2) == 1)
        #expect(cooccurrence.count(2, 3) == 1)
        #expect(cooccurrence.count(0, 3) == 0)
        #expect(cooccurrence.count(1, 1) == 0)
        #expect(cooccurrence.count(4, 0) == 0)
        #expect(cooccurrence.nonZeroCount == 8)
        #expect(Array(cooccurrence.columns[cooccurrence.rowStart[0]..<cooccurrence.rowStart[1]]) == [1, 2])
    }
}
