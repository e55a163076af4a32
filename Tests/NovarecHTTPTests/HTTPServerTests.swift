import Foundation
import Logging
import NovarecHTTP
import Testing

/// Protocol behaviour over real sockets on 127.0.0.1 (and ::1) with ephemeral ports.
struct HTTPServerTests {
    @Test func keepsConnectionsAliveAndAddsServerFields() throws {
        try withServer { server in
            let client = try server.client()
            for _ in 0..<3 {
                try client.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "hello")
                #expect(response.header("Content-Length") == "5")
                #expect(response.header("Server") == "novarec")
                #expect(response.header("Date")?.hasSuffix(" GMT") == true)
                #expect(response.header("Connection") == nil)
            }
        }
    }

    @Test func deferredHandlersAnswerOnTheirConnectionInOrder() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("GET /later/one HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /later/two HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "later one")
            #expect(try client.readResponse().text == "hello")
            #expect(try client.readResponse().text == "later two")
            try client.send("GET /later-fail HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 500)
        }
    }

    @Test func closesHTTP10ConnectionsUnlessAskedToKeepThem() throws {
        try withServer { server in
            let plain = try server.client()
            try plain.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try plain.readResponse().header("Connection") == "close")
            #expect(plain.readsEndOfStream())

            let kept = try server.client()
            for _ in 0..<2 {
                try kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try kept.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == "keep-alive")
            }
        }
    }

    @Test func ignoresBytesAfterConnectionClose() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "hello")
            #expect(response.header("Connection") == "close")
            #expect(client.readsEndOfStream())
        }
    }

    @Test func answersAHalfClosedClientThenCloses() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /items/5 HTTP/1.1\r\nHost: t\r\n\r\n")
            shutdown(client.fd, Int32(SHUT_WR))
            #expect(try client.readResponse().text == "hello")
            #expect(try client.readResponse().text == #"{"id":"5"}"#)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func dropsATruncatedRequestWhenTheClientStopsSending() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            shutdown(client.fd, Int32(SHUT_WR))
            #expect(client.readsEndOfStream())
        }
    }

    @Test func answersHeadWithoutABody() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(headOnly: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func answersPipelinedRequestsInOrder() throws {
        try withServer { server in
            let client = try server.client()
            try client.send(
                "GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /items/3 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == #"{"id":"1"}"#)
            #expect(try client.readResponse().text == "abc")
            #expect(try client.readResponse().text == #"{"id":"3"}"#)
        }
    }

    @Test func sendsContinueBeforeTheBody() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hello")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
        }
    }

    @Test func refusesAnExpectedBodyThatIsTooLargeWithoutContinue() throws {
        try withServer(limits: ServerLimits(maxBodyBytes: 10)) { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func decodesChunkedBodiesAndQueries() throws {
        try withServer { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n")
            #expect(try client.readResponse().text == "wikipedia")
            try client.send("GET /query?a=1&a=2&b=x%20y HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == #"{"a":["1","2"],"b":["x y"]}"#)
            try client.send("GET /path HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "/path")
        }
    }

    @Test(arguments: [
        "GET /hello HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n",
        "GET /hel\u{0}lo HTTP/1.1\r\nHost: t\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
        "NOT A REQUEST\r\n\r\n"
    ])
    func rejectsMalformedRequestsAndCloses(text: String) throws {
        try withServer { server in
            let client = try server.client()
            try client.send(text)
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Connection") == "close")
            #expect(try response.json()["status"] as? Int == 400)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func routesOverTheWire() throws {
        try withServer { server in
            #expect(try server.get("/missing").status == 404)
            let client = try server.client()
            try client.send("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            let notAllowed = try client.readResponse()
            #expect(notAllowed.status == 405)
            #expect(notAllowed.header("Allow") == "GET, HEAD")
            let failure = try server.get("/fail")
            #expect(failure.status == 500)
            #expect(!failure.text.contains("hunter2"))
            try client.send("DELETE /items/4 HTTP/1.1\r\nHost: t\r\n\r\n")
            let deleted = try client.readResponse()
            #expect(deleted.status == 204)
            #expect(deleted.header("Content-Length") == nil)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func listensOnIPv6() throws {
        try withServer(host: "::1") { server in
            let client = try TestClient(port: server.port, host: "::1")
            try client.send("GET /hello HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func aSecondInstanceOnTheSamePortFailsLoudly() throws {
        try withServer { server in
            let configuration = HTTPServer.Configuration(port: server.port)
            let second = HTTPServer(configuration: configuration, router: Router(), logger: TestServer.silentLogger)
            #expect {
                try second.start()
            } throws: { error in
                "\(error)".contains("Address already in use")
            }
        }
    }

    @Test func logsOneAccessLineAndCountsEachRequest() throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try withServer(logger: logger) { server in
            let found = try server.get("/items/9")
            let missing = try server.get("/nowhere")
            #expect(found.status == 200 && missing.status == 404)
            #expect(server.server.metrics.requestCount(method: "GET", route: "/items/{id}", status: 200) == 1)
            #expect(server.server.metrics.requestCount(method: "GET", route: "unmatched", status: 404) == 1)
        }
        let lines = store.messages.filter { $0.hasPrefix("info GET") }
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("info GET /items/9 200 10B ") == true)
        #expect(lines.first?.hasSuffix("ms") == true)
    }
}
