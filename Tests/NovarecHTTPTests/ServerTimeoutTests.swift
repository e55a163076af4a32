import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

/// Every timeout over the wire, on a clock the test moves by hand in whole seconds, the other
/// timeouts switched off: each fires exactly at its deadline, and none is waited out.
struct ServerTimeoutTests {
    private static let step = 1.0

    /// `limits` with every timeout off but those `change` sets.
    private static func only(_ change: (inout ServerLimits) -> Void) -> ServerLimits {
        var limits = ServerLimits(headerTimeout: .infinity, idleTimeout: .infinity, bodyTimeout: .infinity, writeTimeout: .infinity)
        change(&limits)
        return limits
    }

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
        try withServer(limits: Self.only { $0.bodyTimeout = 5 }, clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(server.advanceClock(by: Self.step, until: { client.hasInput() }) == 5)
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(client.readsEndOfStream())
        }
    }

    /// A head that stops half-way gets a 408; a connection that never sends a byte is closed.
    @Test func cutsOffAnIncompleteHead() throws {
        try withServer(limits: Self.only { $0.headerTimeout = 5 }, clock: ManualUptimeClock()) { server in
            let partial = try server.client()
            let silent = try server.client()
            try partial.send("GET /hello HTTP/1.1\r\nHo")
            #expect(server.advanceClock(by: Self.step, until: { partial.hasInput() && silent.hasInput() }) == 5)
            #expect(try partial.readResponse().status == 408)
            #expect(partial.readsEndOfStream())
            #expect(silent.readsEndOfStream())
        }
    }

    /// The first request's head must be complete within the header timeout of the connection's
    /// start, however steadily it arrives: a client silent for two seconds and then sending one
    /// byte a second is cut off at five, not five after its first byte.
    @Test func cutsOffADribblingClientAtTheHeaderDeadline() throws {
        try withServer(limits: Self.only { $0.headerTimeout = 5 }, clock: ManualUptimeClock()) { server in
            let client = try server.client()
            var header = Array("GET /hello HTTP/1.1\r\nX-Slow: \(String(repeating: "a", count: 600))".utf8)[...]
            var silentSteps = 2
            let moved = server.advanceClock(by: Self.step) {
                guard !client.hasInput() else { return true }
                guard silentSteps == 0 else {
                    silentSteps -= 1
                    return false
                }
                guard let byte = header.popFirst() else { return true }
                try? client.send([byte])
                return false
            }
            #expect(moved == 5)
            #expect(try client.readResponse().status == 408)
            #expect(client.readsEndOfStream())
        }
    }

    /// A kept-alive connection's next request head gets the header timeout from its first byte,
    /// even when that byte came just before the idle timeout would have closed the connection.
    @Test func aKeptAliveRequestHeadGetsTheHeaderTimeoutFromItsFirstByte() throws {
        let limits = Self.only {
            $0.headerTimeout = 5
            $0.idleTimeout = 5
        }
        try withServer(limits: limits, clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(server.advanceClock(by: Self.step, until: { client.hasInput() }, limit: 4) == nil, "still idle")
            try client.send("GET /hello HTTP/1.1\r\nHo")
            #expect(server.advanceClock(by: Self.step, until: { client.hasInput() }) == 5)
            #expect(try client.readResponse().status == 408)
        }
    }

    @Test func closesIdleKeptAliveConnections() throws {
        try withServer(limits: Self.only { $0.idleTimeout = 5 }, clock: ManualUptimeClock()) { server in
            let client = try server.client()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(server.advanceClock(by: Self.step, until: { client.hasInput() }) == 5)
            #expect(client.readsEndOfStream())
        }
    }

    /// A client that stops reading a long response is dropped once a write has waited the write
    /// timeout without progress; it never receives the whole body.
    @Test func dropsAClientThatStopsReading() throws {
        let big = [UInt8](repeating: 0x62, count: 16 << 20)
        try withServer(
            limits: Self.only { $0.writeTimeout = 5 }, clock: ManualUptimeClock(),
            extraRoutes: { router in
                router.get("/big") { _ in HTTPResponse(body: big) }
            }
        ) { server in
            let client = try server.client()
            try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            // The handler runs off the loop; the clock moves once the answer is being written.
            #expect(eventually { client.hasInput() })
            #expect(server.advanceClock(by: Self.step, until: { server.server.metrics.openConnections == 0 }) == 5)
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
