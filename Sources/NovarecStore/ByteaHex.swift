import Foundation

/// Binary values through the text protocol: PostgreSQL's hex format (`\x0a1b…`) for bytea
/// parameters and `encode(…, 'hex')` results, written and read in one pass over raw buffers
/// (checkpoints are megabytes, so nothing per byte may allocate).
enum ByteaHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `data` as a bytea input literal, `\x` followed by two hex digits a byte.
    static func literal(_ data: Data) -> String {
        String(unsafeUninitializedCapacity: 2 + 2 * data.count) { output in
            output[0] = UInt8(ascii: "\\")
            output[1] = UInt8(ascii: "x")
            data.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    output[2 + 2 * index] = digits[Int(byte >> 4)]
                    output[3 + 2 * index] = digits[Int(byte & 0x0F)]
                }
            }
            return 2 + 2 * data.count
        }
    }

    /// The bytes of plain hex text (no `\x`); nil when it is not hex.
    static func decode(_ hex: String) -> Data? {
        var hex = hex
        return hex.withUTF8 { text -> Data? in
            guard text.count % 2 == 0 else { return nil }
            var data = Data(count: text.count / 2)
            let valid = data.withUnsafeMutableBytes { output in
                for index in output.indices {
                    guard let high = value(text[2 * index]), let low = value(text[2 * index + 1]) else { return false }
                    output[index] = high << 4 | low
                }
                return true
            }
            return valid ? data : nil
        }
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
