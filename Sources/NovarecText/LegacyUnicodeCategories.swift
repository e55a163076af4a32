/// The Unicode general categories that Hugging Face `tokenizers` uses to clean text, strip
/// accents and find punctuation for BERT. It reads them from a frozen Unicode 8.0 table (the
/// `unicode_categories` crate), so to split text exactly as the reference does, a scalar
/// assigned after 8.0 has no category here (it is kept, never stripped or split off), and the
/// few scalars whose category changed since then keep their 8.0 one.
///
/// Everything else in that pipeline (white space, case mapping, NFD) follows current Unicode,
/// as Swift's own tables do.
enum LegacyUnicodeCategories {
    /// The Unicode version of the frozen table.
    static let version = (major: 8, minor: 0)

    /// Scalars whose general category changed after Unicode 8.0, with their 8.0 category (found
    /// by comparing every scalar with the reference, `deploy/text-parity.py --all-scalars`).
    private static let changed: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation,  // CANADIAN SYLLABICS CHI SIGN: So since 12.0
        0x1734: .nonspacingMark,  // HANUNOO SIGN PAMUDPOD: Mc since 14.0
        0x1885: .otherLetter, 0x1886: .otherLetter,  // MONGOLIAN LETTER ALI GALI BALUDA, THREE BALUDA: Mn since 9.0
        0xA9BD: .spacingMark,  // JAVANESE CONSONANT SIGN KERET: Mn since 12.0
        0x111C9: .otherPunctuation,  // SHARADA SANDHI MARK: Mn since 11.0
        0x1171E: .nonspacingMark  // AHOM CONSONANT SIGN MEDIAL RA: Mc since 14.0
    ]

    /// The scalar's category in Unicode 8.0; nil when it was not assigned then.
    static func category(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory? {
        if let old = changed[scalar.value] { return old }
        guard let age = scalar.properties.age, (age.major, age.minor) <= version else { return nil }
        return scalar.properties.generalCategory
    }

    /// Control, format, private-use or surrogate ("other" without unassigned: the table has no
    /// list of unassigned scalars).
    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        switch category(scalar) {
        case .control, .format, .privateUse, .surrogate: true
        default: false
        }
    }

    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        category(scalar) == .nonspacingMark
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch category(scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            true
        default: false
        }
    }
}
