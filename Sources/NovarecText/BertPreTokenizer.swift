/// Splits normalised text into the words WordPiece then cuts into sub-words, as Hugging Face
/// `tokenizers`' `BertPreTokenizer`: white space separates words and is dropped; every
/// punctuation scalar (ASCII symbols 33–47, 58–64, 91–96, 123–126, or a Unicode P* category)
/// is a word of its own.
public enum BertPreTokenizer {
    public static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() {
            let space = scalar.properties.isWhitespace
            guard space || isPunctuation(scalar) else { continue }
            if start < index { words.append(scalars[start..<index]) }
            if !space { words.append(scalars[index...index]) }
            start = index + 1
        }
        if start < scalars.count { words.append(scalars[start...]) }
        return words
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: true
        case 0..<128: false
        default: LegacyUnicodeCategories.isPunctuation(scalar)
        }
    }
}
