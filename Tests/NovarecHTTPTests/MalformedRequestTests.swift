import NovarecHTTP
import Testing

/// Inputs the parser must refuse, and with which error (hence which status).
struct MalformedRequestTests {
    @Test(arguments: [
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", HTTPParseError.malformedRequestLine),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET /\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.x\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET /a\u{7F}b HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET items HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /%4 HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /%C3%28 HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /?q=%G1 HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget)
    ])
    func rejectsBadRequestLines(text: String, error: HTTPParseError) {
        #expect(Parse.failure(text) == error)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", HTTPParseError.invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: h\r\nName : x\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: h\r\nNa\u{0}me: x\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: h\r\nName: a\u{0}b\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: h\r\nName: a\rb\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: h\nName: b\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: h\r\nName: a\r\n folded\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost: h\r\nName: a\r\n\tfolded\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost)
    ])
    func rejectsBadHeaderFields(text: String, error: HTTPParseError) {
        #expect(Parse.failure(text) == error)
    }

    @Test(arguments: [
        ("Content-Length: -1", HTTPParseError.invalidContentLength),
        ("Content-Length: +5", .invalidContentLength),
        ("Content-Length: 12abc", .invalidContentLength),
        ("Content-Length: 0x10", .invalidContentLength),
        ("Content-Length: 1 2", .invalidContentLength),
        ("Content-Length:", .invalidContentLength),
        ("Content-Length: 99999999999999999999999", .invalidContentLength),
        ("Content-Length: 3\r\nContent-Length: 4", .conflictingContentLength),
        ("Content-Length: 3, 4", .conflictingContentLength),
        ("Content-Length: 3\r\nTransfer-Encoding: chunked", .contentLengthWithTransferEncoding),
        ("Transfer-Encoding: chunked\r\nContent-Length: 3", .contentLengthWithTransferEncoding),
        ("Transfer-Encoding: gzip, chunked", .unsupportedTransferEncoding),
        ("Transfer-Encoding: chunked, chunked", .unsupportedTransferEncoding),
        ("Transfer-Encoding: identity", .unsupportedTransferEncoding),
        ("Content-Length: 2000000", .bodyTooLarge)
    ])
    func rejectsSmugglingShapesAndBadLengths(field: String, error: HTTPParseError) {
        #expect(Parse.failure("POST / HTTP/1.1\r\nHost: h\r\n\(field)\r\n\r\n") == error)
    }

    @Test func rejectsTransferEncodingInHTTP10() {
        #expect(Parse.failure("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == .transferEncodingInHTTP10)
    }

    @Test(arguments: [
        ("zz\r\n", HTTPParseError.invalidChunk),
        ("-1\r\n", .invalidChunk),
        ("\r\n", .invalidChunk),
        (" 5\r\nhello\r\n", .invalidChunk),
        ("5 x\r\nhello\r\n", .invalidChunk),
        ("0x5\r\nhello\r\n", .invalidChunk),
        ("5\nhello\r\n", .invalidChunk),
        ("5\r\nhelloXX", .invalidChunk),
        ("5\r\nhello\n0\r\n\r\n", .invalidChunk),
        ("5;ext=\u{0}\r\nhello\r\n", .invalidChunk),
        ("1ffffffffffffffffff\r\n", .invalidChunk),
        ("fffffff\r\n", .bodyTooLarge),
        ("0\r\nBad Trailer: x\r\n\r\n", .invalidHeaderName)
    ])
    func rejectsBadChunks(body: String, error: HTTPParseError) {
        #expect(Parse.failure("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(body)") == error)
    }

    @Test func enforcesHeaderBlockSize() {
        let limits = ServerLimits(maxHeaderBytes: 100)
        let fits = "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 60))\r\n\r\n"
        #expect(Parse.request(fits, limits: limits) != nil)
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 100))\r\n\r\n"
        #expect(Parse.failure(big, limits: limits) == .headerBlockTooLarge)
        let endless = "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 200))"
        #expect(Parse.failure(endless, limits: limits) == .headerBlockTooLarge)
    }

    @Test func enforcesHeaderCount() {
        let limits = ServerLimits(maxHeaderCount: 3)
        #expect(Parse.request("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) != nil)
        #expect(Parse.failure("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == .tooManyHeaders)
    }

    @Test func enforcesBodySizeForBothFramings() {
        let limits = ServerLimits(maxBodyBytes: 4)
        #expect(Parse.request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd", limits: limits) != nil)
        #expect(Parse.failure("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", limits: limits) == .bodyTooLarge)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\n"
        #expect(Parse.failure(chunked, limits: limits) == .bodyTooLarge)
    }

    @Test func enforcesTrailerSize() {
        let limits = ServerLimits(maxHeaderBytes: 64)
        let trailer = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: \(String(repeating: "v", count: 80))"
        #expect(Parse.failure(trailer, limits: limits) == .headerBlockTooLarge)
    }

    @Test func mapsErrorsToStatuses() {
        #expect(HTTPParseError.headerBlockTooLarge.status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParseError.tooManyHeaders.status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParseError.bodyTooLarge.status == .contentTooLarge)
        #expect(HTTPParseError.contentLengthWithTransferEncoding.status == .badRequest)
        #expect(HTTPParseError.unsupportedVersion.status == .httpVersionNotSupported)
        #expect(HTTPParseError.unsupportedTransferEncoding.status == .notImplemented)
    }

    @Test func keepsFailingAfterAFailure() {
        var parser = HTTPRequestParser()
        let bytes = Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        for _ in 0..<2 {
            let (event, consumed) = bytes.withUnsafeBytes { parser.parse($0) }
            #expect(consumed == 0)
            guard case .failure(.malformedRequestLine) = event else {
                Issue.record("expected the same failure")
                return
            }
        }
    }
}
