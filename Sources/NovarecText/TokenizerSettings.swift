import Foundation

/// The tokenizer options a model ships in Hugging Face's `tokenizer.json` (normaliser flags,
/// WordPiece's unknown token, prefix and word limit, the special tokens): read from the file so
/// the Swift tokenizer is configured exactly as the reference one, with BERT-uncased defaults
/// for a model that has only a `vocab.txt`.
public struct TokenizerSettings: Sendable, Equatable {
    public var normalizer = BertNormalizer()
    public var unknownToken = "[UNK]"
    public var classToken = "[CLS]"
    public var separatorToken = "[SEP]"
    public var continuationPrefix = "##"
    public var maxCharactersPerWord = 100
    /// Tokens matched verbatim in raw text before normalisation (`[CLS]`, `[MASK]`, ...).
    public var specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    public init() {}

    /// The settings in a `tokenizer.json`; refuses one whose normaliser, pre-tokeniser or model
    /// is not BERT's.
    public init(tokenizerJSON data: Data, source: String) throws(TextModelError) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TextModelError("\(source) is not a JSON object")
        }
        let normalizer = root["normalizer"] as? [String: Any] ?? [:]
        let preTokenizer = root["pre_tokenizer"] as? [String: Any] ?? [:]
        let model = root["model"] as? [String: Any] ?? [:]
        guard normalizer["type"] as? String == "BertNormalizer", preTokenizer["type"] as? String == "BertPreTokenizer",
            model["type"] as? String == "WordPiece"
        else {
            throw TextModelError("\(source) does not describe a BERT WordPiece tokenizer (BertNormalizer, BertPreTokenizer, WordPiece)")
        }
        let lowercase = normalizer["lowercase"] as? Bool ?? true
        self.normalizer = BertNormalizer(
            cleanText: normalizer["clean_text"] as? Bool ?? true, handleChineseCharacters: normalizer["handle_chinese_chars"] as? Bool ?? true,
            stripAccents: normalizer["strip_accents"] as? Bool, lowercase: lowercase)
        unknownToken = model["unk_token"] as? String ?? unknownToken
        continuationPrefix = model["continuing_subword_prefix"] as? String ?? continuationPrefix
        maxCharactersPerWord = model["max_input_chars_per_word"] as? Int ?? maxCharactersPerWord
        if let added = root["added_tokens"] as? [[String: Any]] { specialTokens = added.compactMap { $0["content"] as? String } }
        let template = (root["post_processor"] as? [String: Any])?["single"] as? [[String: Any]] ?? []
        let specials = template.compactMap { ($0["SpecialToken"] as? [String: Any])?["id"] as? String }
        if specials.count == 2 { (classToken, separatorToken) = (specials[0], specials[1]) }
    }
}
