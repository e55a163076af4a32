/// Byte classes of the HTTP grammar (RFC 9110 §5.6), as table lookups so the parser's inner
/// loops stay branch-light. `isDigit` and `lowercase` serve other modules' byte-level checks too.
public enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// `tchar`: the characters of method names and header field names.
    static func isTokenCharacter(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    /// Characters allowed in a request target: visible ASCII.
    static func isTargetCharacter(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// `field-vchar / SP / HTAB / obs-text`: anything but control characters and DEL.
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    public static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    public static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        if byte >= 0x30 && byte <= 0x39 { return true }
        if lowercase(byte) >= 0x61 && lowercase(byte) <= 0x7A { return true }
        return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
}
