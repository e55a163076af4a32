import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

/// Every size and count limit over the wire (the timeouts: `ServerTimeoutTests`).
struct ServerLimitsTests {
    @Test func answers431ToAnOversizedHeaderBlock() throws {
        try withServer(limits: ServerLimits(maxHeaderBytes: 512)) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nCookie: \(String(repeating: "c", count: 1000))\r\n\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func answers431ToTooManyHeaderFields() throws {
        try withServer(limits: ServerLimits(maxHeaderCount: 5)) { server in
            let client = try server.client()
            let fields = (0..<10).map { "X-\($0): v\r\n" }.joined()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\(fields)\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func answers413ToAnOversizedBodyEvenWhileItIsBeingSent() throws {
        try withServer(limits: ServerLimits(maxBodyBytes: 1000)) { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\n\r\n")
            try client.send([UInt8](repeating: 0x61, count: 200_000))
            #expect(try client.readResponse().status == 413)
            #expect(client.readsEndOfStream())

            let chunked = try server.client()
            try chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n")
            try chunked.send([UInt8](repeating: 0x61, count: 1024))
            try chunked.send("\r\n")
            #expect(try chunked.readResponse().status == 413)
        }
    }

    /// Connections that have not finished a request are never idle, so none can be reclaimed.
    @Test func answers503WhenConnectionsRunOut() throws {
        try withServer(limits: ServerLimits(maxConnections: 2)) { server in
            var held = try (0..<2).map { _ in try server.client() }
            let extra = try server.client()
            let refused = try extra.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(extra.readsEndOfStream())
            #expect(PrometheusText.render(server.server.metrics.metricFamilies()).contains("http_connections_rejected_total 1"))

            held.removeFirst()
            #expect(try eventually { try server.get("/hello").status == 200 })
        }
    }

    /// Blank lines between requests (which a client may send) leave a kept-alive connection idle,
    /// so it can still be reclaimed for a new client at the connection cap.
    @Test func aConnectionSendingBlankLinesBetweenRequestsIsStillIdle() throws {
        try withServer(limits: ServerLimits(maxConnections: 1)) { server in
            let kept = try server.client()
            try kept.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try kept.readResponse().status == 200)
            try kept.send("\r\n\r\n")
            #expect(server.handleWhatIsReady())
            #expect(try server.get("/hello").status == 200, "the idle connection was reclaimed for the new client")
            #expect(kept.readsEndOfStream())
        }
    }
}
