import NovarecHTTP
import Testing

struct HTTPRequestParserTests {
    @Test func parsesRequestLineHeadersAndQuery() throws {
        let request = try #require(
            Parse.request(
                "GET /v1/items/a%20b?q=red+shoes&tag=x&tag=y%26z&flag HTTP/1.1\r\nHost: shop\r\nX-Trace: 1\r\nx-trace: 2\r\n\r\n"))
        #expect(request.method == .get)
        #expect(request.version == .http1_1)
        #expect(request.target == "/v1/items/a%20b?q=red+shoes&tag=x&tag=y%26z&flag")
        #expect(request.rawPath == "/v1/items/a%20b")
        #expect(request.path == "/v1/items/a b")
        #expect(request.query == ["q": ["red shoes"], "tag": ["x", "y&z"], "flag": [""]])
        #expect(request.headers["X-TRACE"] == "1")
        #expect(request.headers.values(for: "x-trace") == ["1", "2"])
        #expect(request.keepAlive)
        #expect(request.body.isEmpty)
    }

    @Test func trimsOptionalWhitespaceAroundValues() throws {
        let request = try #require(Parse.request("GET / HTTP/1.1\r\nHost:   shop \t\r\nEmpty:\r\n\r\n"))
        #expect(request.headers["host"] == "shop")
        #expect(request.headers["empty"] == "")
    }

    @Test func acceptsAbsoluteFormTargets() throws {
        let request = try #require(Parse.request("GET http://shop.example/a/b?x=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n"))
        #expect(request.path == "/a/b")
        #expect(request.query == ["x": ["1"]])
    }

    @Test func readsContentLengthBody() throws {
        let request = try #require(Parse.request("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"))
        #expect(request.body == Array("hello".utf8))
    }

    @Test func acceptsRepeatedIdenticalContentLength() throws {
        let request = try #require(Parse.request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok"))
        #expect(request.body == Array("ok".utf8))
    }

    @Test func readsChunkedBodyWithExtensionsAndTrailers() throws {
        let text =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nChecksum: abc\r\n\r\n"
        let request = try #require(Parse.request(text))
        #expect(String(decoding: request.body, as: UTF8.self) == "hello abcdefghijklmnopqrstuvwxy")
    }

    @Test func answersPipelinedRequestsInOrder() {
        let text =
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\nGET /4 HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(Parse.requests(text).map(\.target) == ["/1", "/2", "/3", "/4"])
        #expect(Parse.requests(text).map { String(decoding: $0.body, as: UTF8.self) } == ["", "abc", "z", ""])
    }

    @Test func ignoresEmptyLinesBeforeTheRequestLine() {
        #expect(Parse.request("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")?.path == "/")
    }

    @Test func decidesKeepAliveFromVersionAndConnection() {
        #expect(Parse.request("GET / HTTP/1.1\r\nHost: h\r\n\r\n")?.keepAlive == true)
        #expect(Parse.request("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n")?.keepAlive == false)
        #expect(Parse.request("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, close\r\n\r\n")?.keepAlive == false)
        #expect(Parse.request("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(Parse.request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func recognisesExpectContinueOnlyForHTTP11() {
        #expect(Parse.request("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 0\r\n\r\n")?.expectsContinue == true)
        #expect(Parse.request("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")?.expectsContinue == false)
        #expect(Parse.failure("GET / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n") == .unsupportedExpectation)
    }

    @Test func exposesTheHeadWhileTheBodyIsPending() {
        var parser = HTTPRequestParser()
        let head = Array("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nab".utf8)
        let (event, consumed) = head.withUnsafeBytes { parser.parse($0) }
        guard case .needMoreData = event else {
            Issue.record("expected to wait for the body")
            return
        }
        #expect(consumed == head.count - 2)
        #expect(parser.requestAwaitingBody?.path == "/upload")
        #expect(parser.requestAwaitingBody?.expectsContinue == true)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: h\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\r",
        "GET /",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nshort",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
    ])
    func waitsOnTruncatedRequests(text: String) {
        #expect(Parse.isIncomplete(text))
    }

    @Test func givesTheSameEventsWhateverThePieces() {
        let text =
            "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\nPOST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"
        let whole = Parse.events(text).map(\.summary)
        for pieceSize in [1, 2, 3, 7, 64] {
            #expect(Parse.eventsFedInPieces(Array(text.utf8), pieceSize: pieceSize).map(\.summary) == whole)
        }
    }
}
