/// BERT's tokenizer end to end, as Hugging Face `tokenizers` runs a `tokenizer.json` with
/// `BertNormalizer`, `BertPreTokenizer`, `WordPiece` and the `[CLS] … [SEP]` template: text in,
/// token ids out, ready for `BertEncoder`.
///
/// Special tokens written in the raw text (`[SEP]`, `[MASK]`, ...) are matched verbatim before
/// normalisation and kept as such; the rest is normalised, split into words and cut into
/// WordPiece sub-words. Ids beyond `maxLength` (counting `[CLS]` and `[SEP]`) are cut off.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: WordPieceVocabulary
    public let settings: TokenizerSettings
    /// Most ids per text, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    public let classID: Int32
    public let separatorID: Int32
    private let wordPiece: WordPiece
    private let specials: [(scalars: [Unicode.Scalar], id: Int32)]

    public init(vocabulary: WordPieceVocabulary, settings: TokenizerSettings = TokenizerSettings(), maxLength: Int) throws(TextModelError) {
        guard maxLength >= 2 else { throw TextModelError("maximum sequence length \(maxLength) leaves no room for [CLS] and [SEP]") }
        func id(_ token: String) throws(TextModelError) -> Int32 {
            guard let id = vocabulary.id(of: token) else { throw TextModelError("the vocabulary has no '\(token)' token") }
            return id
        }
        self.vocabulary = vocabulary
        self.settings = settings
        self.maxLength = maxLength
        classID = try id(settings.classToken)
        separatorID = try id(settings.separatorToken)
        wordPiece = WordPiece(
            vocabulary: vocabulary, unknownID: try id(settings.unknownToken),
            continuationPrefix: Array(settings.continuationPrefix.utf8), maxCharacters: settings.maxCharactersPerWord)
        var specials: [(scalars: [Unicode.Scalar], id: Int32)] = []
        for token in settings.specialTokens where !token.isEmpty { specials.append((Array(token.unicodeScalars), try id(token))) }
        self.specials = specials.sorted { $0.scalars.count > $1.scalars.count }
    }

    /// `[CLS]`, the text's sub-word ids (at most `maxLength − 2`), `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        let limit = maxLength - 2
        var ids: [Int32] = []
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var index = 0
        while index < scalars.count, ids.count < limit {
            guard let special = special(at: index, in: scalars) else {
                index += 1
                continue
            }
            appendWords(scalars[start..<index], to: &ids)
            ids.append(special.id)
            index += special.scalars.count
            start = index
        }
        if ids.count < limit { appendWords(scalars[start...], to: &ids) }
        return [classID] + ids.prefix(limit) + [separatorID]
    }

    /// The special token written at `index`, the longest when several are.
    private func special(at index: Int, in scalars: [Unicode.Scalar]) -> (scalars: [Unicode.Scalar], id: Int32)? {
        specials.first { special in
            index + special.scalars.count <= scalars.count && scalars[index..<(index + special.scalars.count)].elementsEqual(special.scalars)
        }
    }

    private func appendWords(_ text: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        guard !text.isEmpty else { return }
        for word in BertPreTokenizer.words(settings.normalizer.normalize(Array(text))) {
            wordPiece.append(word, to: &ids)
        }
    }
}
