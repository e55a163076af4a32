import Foundation

/// BERT's text normalisation before splitting into words, step for step as Hugging Face
/// `tokenizers`' `BertNormalizer`: the model's vocabulary only makes sense for text cleaned,
/// spaced and case-folded the way it was during pre-training.
///
/// 1. clean: drop NUL, U+FFFD and "other" scalars (controls, format, private use; tab, LF and
///    CR excepted) and turn every white-space scalar into a space;
/// 2. put spaces around CJK ideographs, so each becomes a word of its own;
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks;
/// 4. lower-case, scalar by scalar (full, context-free case mapping).
public struct BertNormalizer: Sendable, Equatable {
    public var cleanText: Bool
    public var handleChineseCharacters: Bool
    public var stripAccents: Bool
    public var lowercase: Bool

    /// BERT uncased: every step on (accent stripping follows `lowercase` when not given).
    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents ?? lowercase
        self.lowercase = lowercase
    }

    /// The normalised text as Unicode scalars.
    public func normalize(_ text: String) -> [Unicode.Scalar] {
        normalize(Array(text.unicodeScalars))
    }

    /// The normalised form of `scalars`.
    public func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars = scalars
        if cleanText { scalars = Self.clean(scalars) }
        if handleChineseCharacters { scalars = Self.spaceChineseCharacters(scalars) }
        if stripAccents { scalars = Self.stripAccents(scalars) }
        if lowercase { scalars = scalars.flatMap { $0.isASCII ? [Self.asciiLowercase($0)] : Array($0.properties.lowercaseMapping.unicodeScalars) } }
        return scalars
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && scalar != "\n" && scalar != "\r" && LegacyUnicodeCategories.isOther(scalar)
    }

    /// The CJK ideograph blocks as `tokenizers` lists them (its extension E range starts at
    /// U+2B920, not U+2B820).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default: false
        }
    }

    private static func clean(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.compactMap { scalar in
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { return nil }
            return isWhitespace(scalar) ? " " : scalar
        }
    }

    private static func spaceChineseCharacters(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard scalars.contains(where: isChineseCharacter) else { return scalars }
        return scalars.flatMap { isChineseCharacter($0) ? [" ", $0, " "] : [$0] }
    }

    private static func stripAccents(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !scalars.allSatisfy(\.isASCII) else { return scalars }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let decomposed = String(view).decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { !LegacyUnicodeCategories.isNonspacingMark($0) }
    }

    @inline(__always)
    private static func asciiLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
    }
}
