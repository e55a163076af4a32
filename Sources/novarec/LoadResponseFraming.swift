import NovarecHTTP

/// Where one HTTP/1.1 response ends in the bytes `bench http`'s load client has received, and
/// what it says: the status, and whether the server keeps the connection. The client only sends
/// GETs to Novarec, which always frames its answers with `Content-Length`. Read byte by byte, so
/// the client spends little of the cores it shares with the server.
struct LoadResponseFraming: Equatable {
    /// Bytes the response takes, head and body.
    var length: Int
    var status: Int
    var keepAlive: Bool

    enum Failure: Error, Equatable {
        case malformedStatusLine
        case malformedContentLength
    }

    /// The response at the start of `bytes`; nil while its head or body is still incomplete.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> LoadResponseFraming? {
        guard let headEnd = headEnd(bytes) else { return nil }
        let status = try statusCode(bytes)
        var contentLength = 0
        var keepAlive = true
        var lineStart = lineEnd(bytes, from: 0) + 2
        while lineStart < headEnd {
            let end = lineEnd(bytes, from: lineStart)
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
            if let value = value(of: "content-length", in: line) {
                guard let parsed = decimal(value) else { throw .malformedContentLength }
                contentLength = parsed
            } else if let value = value(of: "connection", in: line) {
                keepAlive = !value.map(ASCII.lowercase).contains("close".utf8)
            }
            lineStart = end + 2
        }
        let length = headEnd + 4 + contentLength
        return bytes.count >= length ? LoadResponseFraming(length: length, status: status, keepAlive: keepAlive) : nil
    }

    /// The three digits after `HTTP/1.x `.
    private static func statusCode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        guard bytes.count >= 12, bytes.prefix(7).elementsEqual("HTTP/1.".utf8), bytes[8] == UInt8(ascii: " "),
            let status = decimal(UnsafeBufferPointer(rebasing: bytes[9..<12]))
        else { throw .malformedStatusLine }
        return status
    }

    /// The value of a header line named `name` (lowercase), spaces trimmed; nil for other lines.
    private static func value(of name: StaticString, in line: UnsafeBufferPointer<UInt8>) -> ArraySlice<UInt8>? {
        let nameBytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        guard line.count > nameBytes.count, line[nameBytes.count] == UInt8(ascii: ":"),
            zip(line, nameBytes).allSatisfy({ ASCII.lowercase($0) == $1 })
        else { return nil }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let value = ArraySlice(line[(nameBytes.count + 1)...]).drop(while: isSpace)
        return value[..<((value.lastIndex { !isSpace($0) } ?? value.startIndex - 1) + 1)]
    }

    private static func decimal<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy(ASCII.isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// The index of the `\r\n` ending the line that starts at `start` (`bytes.count` if none).
    private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index + 1 < bytes.count, !(bytes[index] == 13 && bytes[index + 1] == 10) { index += 1 }
        return index + 1 < bytes.count ? index : bytes.count
    }

    /// The index of the blank line's `\r\n\r\n`, if the head is complete.
    private static func headEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }
}
