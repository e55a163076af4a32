/// Writes JSON text straight into bytes, for the hottest responses: `JSONEncoder` goes through
/// reflection and boxes every value, which costs more than the recommendation behind the
/// answer once that is cached. Callers write keys in the order they want them (sorted, to match
/// `HTTPResponse.json`); commas are placed automatically.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next element of the innermost open object or array needs a comma before it.
    private var needsComma = false
    /// The same for each enclosing object or array, innermost last (kept apart so that writing
    /// an element touches one flag, not an array).
    private var enclosingNeedsComma: [Bool] = []

    public init(capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        element()
        bytes.append(bracket)
        enclosingNeedsComma.append(needsComma)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        needsComma = enclosingNeedsComma.removeLast()
        bytes.append(bracket)
    }

    /// An object member's key; the value written next is its value. Keys are the program's own
    /// literals, so they are copied without an escaping scan (they must need none).
    public mutating func key(_ name: StaticString) {
        element()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(literal: name)
        bytes.append(literal: "\":")
        needsComma = false
    }

    public mutating func string(_ value: String) {
        element()
        appendString(value)
    }
    public mutating func bool(_ value: Bool) {
        element()
        bytes.append(literal: value ? "true" : "false")
    }

    /// A finite number in Swift's shortest round-trip form (as `JSONEncoder` writes it); `null`
    /// for NaN and infinities, which JSON cannot express.
    public mutating func number(_ value: Double) {
        element()
        guard value.isFinite else { return bytes.append(literal: "null") }
        bytes.append(utf8Of: value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description)
    }

    /// A `Float` in its own shortest round-trip form (`0.1`, not the `0.10000000149011612` of the
    /// same value widened to `Double`), written without allocating.
    public mutating func number(_ value: Float) {
        guard value.isFinite else { return number(Double(value)) }
        element()
        bytes.append(utf8Of: value.description)
    }

    private mutating func element() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: scanned and copied whole from their contiguous bytes.
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !Self.needsEscape(UnsafeRawBufferPointer(utf8)) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true { return bytes.append(UInt8(ascii: "\"")) }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONWriter {
    /// Whether any byte is a control character, a quote or a backslash: eight bytes at a time
    /// in a word (a reason is ≈ 80 bytes and an answer has ten), then the rest one by one.
    private static func needsEscape(_ text: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits = ones &* 0x80
        /// A high bit set in each byte that is zero (exact for "any", Hacker's Delight §6-1).
        func zeroByte(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highBits }
        var offset = 0
        var flagged: UInt64 = 0
        while offset + 8 <= text.count {
            let word = text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Below 0x20: the word minus 0x20 per byte borrows into the high bit of such a byte.
            flagged |= (word &- ones &* 0x20) & ~word & highBits
            flagged |= zeroByte(word ^ (ones &* UInt64(ASCII.quote))) | zeroByte(word ^ (ones &* UInt64(ASCII.backslash)))
            offset += 8
        }
        return flagged != 0 || text[offset...].contains { $0 < 0x20 || $0 == ASCII.quote || $0 == ASCII.backslash }
    }
}

extension HTTPResponse {
    /// An `application/json` response with the text a `JSONWriter` produced.
    public static func json(_ writer: JSONWriter, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: writer.bytes)
    }
}
