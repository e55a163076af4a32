import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

/// Every limit over the wire. Timeouts are short (0.2 s) so the tests are quick, but nothing
/// asserts how fast the server is: a client read waits up to 15 s for the expected outcome.
struct ServerLimitsTests {
    @Test func answers431ToAnOversizedHeaderBlock() throws {
        try withServer(limits: ServerLimits(maxHeaderBytes: 512)) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nCookie: \(String(repeating: "c", count: 1000))\r\n\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.readsEndOfStream())
        }
    }

    /// An infinite (or absurdly long) timeout means "never", not a deadline that traps when
    /// converted to nanoseconds or wraps into the past.
    @Test func infiniteTimeoutsNeverExpire() throws {
        let limits = ServerLimits(headerTimeout: .infinity, idleTimeout: .infinity, bodyTimeout: 1e300, writeTimeout: .greatestFiniteMagnitude)
        try withServer(limits: limits) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try client.readResponse().status == 200, "the kept-alive connection still serves")
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

    @Test func answers408WhenTheBodyIsLate() throws {
        try withServer(limits: ServerLimits(bodyTimeout: 0.2)) { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(client.readsEndOfStream())
        }
    }

    @Test func cutsOffAnIncompleteHead() throws {
        try withServer(limits: ServerLimits(headerTimeout: 0.2)) { server in
            let partial = try server.client()
            try partial.send("GET /hello HTTP/1.1\r\nHo")
            #expect(try partial.readResponse().status == 408)
            #expect(partial.readsEndOfStream())

            let silent = try server.client()
            #expect(silent.readsEndOfStream())
        }
    }

    @Test func cutsOffADribblingClientAtTheHeaderDeadline() throws {
        try withServer(limits: ServerLimits(headerTimeout: 0.3)) { server in
            let client = try server.client()
            let stopped = DispatchSemaphore(value: 0)
            let fd = client.fd
            Thread {
                defer { stopped.signal() }
                let header = Array("GET /hello HTTP/1.1\r\nX-Slow: \(String(repeating: "a", count: 600))".utf8)
                for byte in header {
                    var value = byte
                    guard send(fd, &value, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                    usleep(50_000)
                }
            }.start()
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(client.readsEndOfStream())
            stopped.wait()
        }
    }

    @Test func closesIdleKeptAliveConnections() throws {
        try withServer(limits: ServerLimits(idleTimeout: 0.2)) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(client.readsEndOfStream())
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

    @Test func dropsAClientThatStopsReading() throws {
        let big = [UInt8](repeating: 0x62, count: 16 << 20)
        try withServer(
            limits: ServerLimits(writeTimeout: 0.2),
            extraRoutes: { router in
                router.get("/big") { _ in HTTPResponse(body: big) }
            }
        ) { server in
            let client = try server.client()
            try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            sleep(2)
            var received = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(client.fd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                received += count
            }
            #expect(received < big.count)
        }
    }
}
