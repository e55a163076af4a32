import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

/// Every timeout over the wire, on a clock the test moves by hand in whole seconds: each one
/// fires, never before its deadline, and none is waited out. (The clock may move a step or
/// more before the server has read what a client sent — the kernel can hand loopback bytes
/// over late —, so a deadline may be met a few steps after the timeout, never before it.)
struct ServerTimeoutTests {
    private static let step = 1.0

    /// An infinite (or absurdly long) timeout means "never", not a deadline that traps when
    /// converted to nanoseconds or wraps into the past.
    @Test func infiniteTimeoutsNeverExpire() throws {
        let limits = ServerLimits(headerTimeout: .infinity, idleTimeout: .infinity, bodyTimeout: 1e300, writeTimeout: .greatestFiniteMagnitude)
        try withServer(limits: limits, clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\na")
            let tenYears = 10 * 365 * 86_400.0
            #expect(server.advanceClock(by: tenYears, until: { client.hasInput() }, limit: 10 * tenYears) == nil)
            try client.send("bc")
            #expect(try client.readResponse().status == 200, "the kept-alive connection still serves")
        }
    }

    @Test func answers408WhenTheBodyIsLate() throws {
        try withServer(limits: ServerLimits(headerTimeout: .infinity, bodyTimeout: 5), clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try #require(server.advanceClock(by: Self.step, until: { client.hasInput() })) >= 5)
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(client.readsEndOfStream())
        }
    }

    /// A head that stops half-way gets a 408; a connection that never sends a byte is closed.
    @Test func cutsOffAnIncompleteHead() throws {
        try withServer(limits: ServerLimits(headerTimeout: 5), clock: ManualUptimeClock()) { server in
            let partial = try server.client()
            let silent = try server.client()
            try partial.send("GET /hello HTTP/1.1\r\nHo")
            #expect(try #require(server.advanceClock(by: Self.step, until: { partial.hasInput() && silent.hasInput() })) >= 5)
            #expect(try partial.readResponse().status == 408)
            #expect(partial.readsEndOfStream())
            #expect(silent.readsEndOfStream())
        }
    }

    /// The header timeout runs from the connection's start, not from the last byte: a client
    /// sending one byte a second is cut off after the timeout though it never pauses longer.
    @Test func cutsOffADribblingClientAtTheHeaderDeadline() throws {
        try withServer(limits: ServerLimits(headerTimeout: 5), clock: ManualUptimeClock()) { server in
            let client = try server.client()
            var header = Array("GET /hello HTTP/1.1\r\nX-Slow: \(String(repeating: "a", count: 600))".utf8)[...]
            let moved = server.advanceClock(by: Self.step) {
                guard !client.hasInput(), let byte = header.popFirst() else { return true }
                try? client.send([byte])
                return false
            }
            #expect(try #require(moved) >= 5)
            #expect(!header.isEmpty, "cut off before the whole head was sent")
            #expect(try client.readResponse().status == 408)
            #expect(client.readsEndOfStream())
        }
    }

    @Test func closesIdleKeptAliveConnections() throws {
        try withServer(limits: ServerLimits(idleTimeout: 5), clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try #require(server.advanceClock(by: Self.step, until: { client.hasInput() })) >= 5)
            #expect(client.readsEndOfStream())
        }
    }

    /// A client that stops reading a long response is dropped once a write has waited the write
    /// timeout; it never receives the whole body.
    @Test func dropsAClientThatStopsReading() throws {
        let big = [UInt8](repeating: 0x62, count: 16 << 20)
        try withServer(
            limits: ServerLimits(writeTimeout: 5), clock: ManualUptimeClock(),
            extraRoutes: { router in
                router.get("/big") { _ in HTTPResponse(body: big) }
            }
        ) { server in
            let client = try server.client()
            try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            // The handler runs off the loop; the clock moves once the answer is being written.
            #expect(eventually { client.hasInput() })
            #expect(try #require(server.advanceClock(by: Self.step, until: { server.server.metrics.openConnections == 0 })) >= 5)
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
