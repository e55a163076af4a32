/// Appending text to the byte buffers responses are written into. `withUTF8` hands over even a
/// small (inline) string's bytes at once, where `append(contentsOf: text.utf8)` goes byte by byte
/// for such strings — and numbers, header values and short ids are small strings.
extension Array where Element == UInt8 {
    mutating func append(utf8Of text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    mutating func append(literal text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
