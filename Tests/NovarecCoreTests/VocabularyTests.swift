import Testing
@testable import NovarecCore

struct VocabularyTests {
    @Test func numericIDsAreOrderedByValue() {
        let vocabulary = Vocabulary(distinctIDs: ["10", "2", "1", "2"])
        #expect(vocabulary.ids == ["1", "2", "10"])
        #expect(vocabulary.index(of: "10") == 2)
        #expect(vocabulary.id(at: 1) == "2")
    }

    @Test func mixedIDsAreOrderedLexicographically() {
        let vocabulary = Vocabulary(distinctIDs: ["b", "10", "a", "2"])
        #expect(vocabulary.ids == ["10", "2", "a", "b"])
        #expect(vocabulary.index(of: "missing") == nil)
    }
}
