/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// Parses a complete request head (request line and header fields, without the blank line that
/// ends it) and decides the body framing. Strict on purpose: anything a proxy in front of the
/// server could read differently (request smuggling) is rejected.
enum HTTPRequestHeadParser {
    /// Content-Length values with more digits than this could overflow; they are rejected.
    private static let maxContentLengthDigits = 18

    static func parse(_ head: UnsafeRawBufferPointer, limits: ServerLimits) throws(HTTPParseError) -> (HTTPRequest, BodyFraming) {
        var lines = LineIterator(bytes: head)
        guard let requestLine = lines.next() else { throw .malformedRequestLine }
        var request = try parseRequestLine(UnsafeRawBufferPointer(rebasing: head[requestLine]))
        while let line = lines.next() {
            guard request.headers.count < limits.maxHeaderCount else { throw .tooManyHeaders }
            let field = try parseField(UnsafeRawBufferPointer(rebasing: head[line]))
            request.headers.add(field.name, field.value)
        }
        try applyConnectionSemantics(to: &request)
        let framing = try bodyFraming(of: request)
        if case .length(let length) = framing, length > limits.maxBodyBytes { throw .bodyTooLarge }
        return (request, framing)
    }

    /// `name ":" OWS value OWS`; shared with chunked trailers.
    static func parseField(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPHeaders.Field {
        guard let first = line.first else { throw .invalidHeaderName }
        if first == ASCII.space || first == ASCII.tab { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0,
            line[..<colon].allSatisfy(ASCII.isTokenCharacter)
        else { throw .invalidHeaderName }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == ASCII.space || line[valueStart] == ASCII.tab { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == ASCII.space || line[valueEnd - 1] == ASCII.tab { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        guard value.allSatisfy(ASCII.isFieldValueCharacter) else { throw .invalidHeaderValue }
        return (name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    private static func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPRequest {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
            let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space)
        else { throw .malformedRequestLine }
        let method = line[..<firstSpace]
        let target = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        guard !method.isEmpty, method.allSatisfy(ASCII.isTokenCharacter),
            !target.isEmpty, target.allSatisfy(ASCII.isTargetCharacter)
        else { throw .malformedRequestLine }
        let version = try parseVersion(line[(secondSpace + 1)...])
        guard let parts = RequestTarget(target) else { throw .invalidTarget }
        return HTTPRequest(
            method: HTTPMethod(String(decoding: method, as: UTF8.self)),
            target: String(decoding: target, as: UTF8.self), rawPath: parts.rawPath, path: parts.path,
            query: parts.query, version: version, keepAlive: version == .http1_1)
    }

    private static func parseVersion(_ bytes: Slice<UnsafeRawBufferPointer>) throws(HTTPParseError) -> HTTPVersion {
        let text = Array(bytes)
        guard text.count == 8, text.starts(with: "HTTP/".utf8), ASCII.isDigit(text[5]), text[6] == UInt8(ascii: "."),
            ASCII.isDigit(text[7])
        else { throw .malformedRequestLine }
        let version = HTTPVersion(major: Int(text[5] - 0x30), minor: Int(text[7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        return version
    }

    /// Host rules, keep-alive and `Expect` (RFC 9112 §3.2, §9.3; RFC 9110 §10.1.1).
    private static func applyConnectionSemantics(to request: inout HTTPRequest) throws(HTTPParseError) {
        if request.version == .http1_1, request.headers.values(for: "Host").count != 1 { throw .invalidHost }
        let connection = request.headers.tokens(for: "Connection")
        if connection.contains("close") {
            request.keepAlive = false
        } else if request.version == .http1_0 {
            request.keepAlive = connection.contains("keep-alive")
        }
        guard let expectation = request.headers["Expect"] else { return }
        guard expectation.lowercased() == "100-continue" else { throw .unsupportedExpectation }
        request.expectsContinue = request.version == .http1_1
    }

    private static func bodyFraming(of request: HTTPRequest) throws(HTTPParseError) -> BodyFraming {
        let lengths = request.headers.values(for: "Content-Length")
        guard request.headers.contains("Transfer-Encoding") else {
            return lengths.isEmpty ? .none : .length(try contentLength(lengths))
        }
        guard lengths.isEmpty else { throw .contentLengthWithTransferEncoding }
        guard request.version == .http1_1 else { throw .transferEncodingInHTTP10 }
        guard request.headers.tokens(for: "Transfer-Encoding") == ["chunked"] else { throw .unsupportedTransferEncoding }
        return .chunked
    }

    /// One value shared by every `Content-Length` field and list element (RFC 9110 §8.6).
    private static func contentLength(_ values: [String]) throws(HTTPParseError) -> Int {
        let elements = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingASCIIWhitespace() }
        var length: Int?
        for element in elements {
            guard !element.isEmpty, element.utf8.count <= maxContentLengthDigits, element.utf8.allSatisfy(ASCII.isDigit),
                let value = Int(element)
            else { throw .invalidContentLength }
            guard length == nil || length == value else { throw .conflictingContentLength }
            length = value
        }
        guard let length else { throw .invalidContentLength }
        return length
    }
}

/// Splits a head into CRLF-terminated lines (the last one needs no terminator). A lone CR or LF
/// stays inside its line, where the byte-class checks reject it.
struct LineIterator {
    let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        var index = start
        while index + 1 < bytes.count, !(bytes[index] == ASCII.cr && bytes[index + 1] == ASCII.lf) { index += 1 }
        guard index + 1 < bytes.count else {
            position = bytes.count
            return start..<bytes.count
        }
        position = index + 2
        return start..<index
    }
}
