import Testing
@testable import NovarecText

/// The tokenizer's rules on a tiny vocabulary: each case is a rule of Hugging Face `tokenizers`'
/// BERT pipeline (the real vocabulary is compared with the reference by `deploy/text-parity.py`).
struct TokenizerTests {
    static let tokenizer = try! WordPieceTokenizer(vocabulary: WordPieceVocabulary(tokens: TinyBertModel.vocabulary), maxLength: 10)

    /// The tokens of `text` between `[CLS]` and `[SEP]`.
    private func tokens(_ text: String, _ tokenizer: WordPieceTokenizer = tokenizer) -> [String] {
        let ids = tokenizer.encode(text)
        #expect(ids.first == tokenizer.classID && ids.last == tokenizer.separatorID)
        return ids.dropFirst().dropLast().map { tokenizer.vocabulary.tokens[Int($0)] }
    }

    @Test func splitsOnWhitespaceAndPunctuationAndLowercases() {
        #expect(tokens("The  CAT,sat!") == ["the", "cat", ",", "sat", "!"])
        #expect(tokens("") == [] && tokens(" \t\n ") == [])
    }

    @Test func greedyLongestMatchWithContinuations() {
        #expect(tokens("cats unable playing") == ["cat", "##s", "un", "##able", "play", "##ing"])
        #expect(tokens("abc") == ["a", "##b", "##c"])
        #expect(tokens("xxxxx") == ["x", "##x", "##x", "##x", "##x"])
    }

    @Test func unmatchableOrOverlongWordsAreOneUnknownToken() {
        #expect(tokens("catz dog") == ["[UNK]", "dog"])
        let long = String(repeating: "x", count: 101)
        var settings = TokenizerSettings()
        settings.maxCharactersPerWord = 100
        #expect(tokens(long) == ["[UNK]"])
        settings.maxCharactersPerWord = 200
        let lenient = try! WordPieceTokenizer(vocabulary: Self.tokenizer.vocabulary, settings: settings, maxLength: 200)
        #expect(tokens(long, lenient).count == 101)
    }

    @Test func stripsAccentsAndSplitsChineseCharacters() {
        #expect(tokens("CAFÉ Café cafe\u{301}") == ["cafe", "cafe", "cafe"])
        #expect(tokens("北京") == ["北", "京"])
    }

    @Test func dropsControlAndFormatCharactersAndTurnsWhitespaceIntoSpaces() {
        #expect(tokens("c\u{0}a\u{200B}t\u{FFFD}\u{AD}") == ["cat"])
        #expect(tokens("cat\u{3000}dog\u{2029}mat") == ["cat", "dog", "mat"])
        // Vertical tab and NEL are white space but also controls: removed, not spaces.
        #expect(tokens("ca\u{0B}t do\u{85}g") == ["cat", "dog"])
    }

    @Test func specialTokensInTheRawTextAreKept() {
        #expect(tokens("cat[MASK]dog") == ["cat", "[MASK]", "dog"])
        #expect(tokens("[mask]").count == 3, "lower-case is not the special token: '[', '[UNK]', ']'")
    }

    @Test func truncatesToMaxLengthCountingClassAndSeparator() {
        let ids = Self.tokenizer.encode(String(repeating: "the ", count: 50))
        #expect(ids.count == 10 && ids.last == Self.tokenizer.separatorID)
    }

    @Test func followsUnicode8CategoriesLikeTheReference() {
        // U+1734 was a non-spacing mark in Unicode 8.0 (stripped); U+166D punctuation (split off);
        // U+2E4F (Unicode 11 punctuation) was unassigned then, so it is part of the word.
        #expect(tokens("ca\u{1734}t") == ["cat"])
        #expect(tokens("cat\u{166D}dog") == ["cat", "[UNK]", "dog"])
        #expect(tokens("cat\u{2E4F}dog") == ["[UNK]"])
        #expect(LegacyUnicodeCategories.isPunctuation("\u{2E4F}") == false && BertPreTokenizer.isPunctuation("¿"))
    }
}
