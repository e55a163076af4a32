/// Percent-decoding of URI components (RFC 3986 §2.1) and of `application/x-www-form-urlencoded`
/// query strings. Decoding fails (nil) on a malformed escape, on bytes that are not UTF-8 and on
/// NUL, so handlers never see ambiguous text.
enum PercentDecoding {
    /// Decodes `bytes`; with `plusAsSpace`, `+` stands for a space as in query strings.
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool = false) -> String? {
        guard bytes.contains(where: { $0 == ASCII.percent || $0 == ASCII.plus || $0 == 0 }) else {
            return String(validating: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case ASCII.percent:
                guard let value = hexPair(bytes, at: index) else { return nil }
                decoded.append(value)
                index = bytes.index(index, offsetBy: 2)
            case ASCII.plus where plusAsSpace:
                decoded.append(ASCII.space)
            default:
                decoded.append(byte)
            }
        }
        guard !decoded.contains(0) else { return nil }
        return String(validating: decoded, as: UTF8.self)
    }

    /// Parses `a=1&b=x%20y&a=2` into `["a": ["1", "2"], "b": ["x y"]]`; a name without `=` gets
    /// an empty value. Nil when any part fails to decode.
    static func parseQuery<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [String: [String]]? where Bytes.SubSequence: Collection<UInt8> {
        var query: [String: [String]] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0], plusAsSpace: true),
                let value = parts.count > 1 ? decode(parts[1], plusAsSpace: true) : ""
            else { return nil }
            query[name, default: []].append(value)
        }
        return query
    }

    private static func hexPair<Bytes: Collection<UInt8>>(_ bytes: Bytes, at index: Bytes.Index) -> UInt8? {
        guard index != bytes.endIndex else { return nil }
        let next = bytes.index(after: index)
        guard next != bytes.endIndex, let high = ASCII.hexValue(bytes[index]), let low = ASCII.hexValue(bytes[next]) else {
            return nil
        }
        return high << 4 | low
    }
}
