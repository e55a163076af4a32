/// PostgreSQL's COPY text format for one field, both ways, so no id changes on its way through
/// `COPY FROM` and back out of `COPY TO`.
///
/// Writing escapes what would break the format — backslash, tab (the delimiter), newline and
/// carriage return — and leaves every other character as it is, which COPY reads back verbatim.
/// Reading undoes every escape the format defines (PostgreSQL's documentation, COPY, "Text
/// Format"): `\b` `\f` `\n` `\r` `\t` `\v`, `\` and one to three octal digits, `\x` and one or
/// two hex digits (each naming one byte; bytes of a multi-byte character come as several), and
/// any other backslashed character taken literally (so `\\` is a backslash). Decoding works on
/// bytes and reads UTF-8 only at the end, so octal and hex escapes of multi-byte characters
/// come out right. A field that is just `\N` is SQL NULL: callers reading nullable columns test
/// for it before decoding.
enum CopyText {
    /// Escapes per Unicode scalar, not per Character: a backslash or a line break followed by a
    /// combining mark (or "\r\n") is one Character, which a Character match would miss.
    static func escape(_ value: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": output.append(contentsOf: "\\\\".unicodeScalars)
            case "\t": output.append(contentsOf: "\\t".unicodeScalars)
            case "\n": output.append(contentsOf: "\\n".unicodeScalars)
            case "\r": output.append(contentsOf: "\\r".unicodeScalars)
            default: output.append(scalar)
            }
        }
        return String(output)
    }

    /// The fields of one row as `COPY ... TO STDOUT` wrote it (a final newline left out), decoded.
    /// Splits on bytes: a tab or newline followed by a combining mark is one Character.
    static func fields(ofRow row: UnsafeRawBufferPointer) -> [String] {
        var line = row[...]
        if line.last == UInt8(ascii: "\n") { line = line.dropLast() }
        return line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { field in
            field.contains(backslash) ? decode(Array(field)) : String(decoding: field, as: UTF8.self)
        }
    }

    /// The value of one field as `COPY ... TO STDOUT` wrote it.
    static func unescape(_ field: Substring) -> String {
        guard field.utf8.contains(backslash) else { return String(field) }
        return decode(Array(field.utf8))
    }

    /// The value of one field's raw bytes.
    static func decode(_ field: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            let byte = field[index]
            index += 1
            guard byte == backslash, index < field.count else {
                output.append(byte)
                continue
            }
            let (decoded, consumed) = escapeSequence(field, at: index)
            output.append(decoded)
            index += consumed
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let backslash = UInt8(ascii: "\\")

    /// The byte an escape stands for and how many bytes after the backslash it spans.
    private static func escapeSequence(_ field: [UInt8], at start: Int) -> (byte: UInt8, consumed: Int) {
        let letter = field[start]
        if let simple = simpleEscapes[letter] { return (simple, 1) }
        if let octal = digits(field, from: start, upTo: 3, base: 8) { return (UInt8(truncatingIfNeeded: octal.value), octal.count) }
        if letter == UInt8(ascii: "x"), let hex = digits(field, from: start + 1, upTo: 2, base: 16) {
            return (UInt8(hex.value), 1 + hex.count)
        }
        return (letter, 1)
    }

    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
        UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B
    ]

    /// The number written by up to `limit` digits of `base` from `start`; nil when there is none.
    private static func digits(_ field: [UInt8], from start: Int, upTo limit: Int, base: Int) -> (value: Int, count: Int)? {
        var value = 0
        var count = 0
        while count < limit, start + count < field.count, let digit = digitValue(field[start + count], base: base) {
            value = value * base + digit
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }

    private static func digitValue(_ byte: UInt8, base: Int) -> Int? {
        let value: Int? =
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
            default: nil
            }
        return value.flatMap { $0 < base ? $0 : nil }
    }
}
