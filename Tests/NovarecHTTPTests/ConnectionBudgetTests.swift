import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

/// What a connection may hold, over real sockets: a refused head is answered before its body is
/// read, bodies share a server-wide budget, the connection cap reclaims idle keep-alive
/// connections, and one connection carries a bounded number of requests.
struct ConnectionBudgetTests {
    /// `POST /guarded` needs `Authorization: Bearer ok` (decided on the head) and echoes the body.
    static func guarded(_ router: inout Router) {
        router.post(
            "/guarded",
            gate: { request in
                guard request.headers["Authorization"] == "Bearer ok" else { throw ProblemDetails(status: .unauthorized) }
            }
        ) { request in HTTPResponse(body: request.body) }
    }

    @Test func anUnauthorisedHeadIsAnsweredBeforeItsBodyIsRead() throws {
        try withServer(limits: ServerLimits(bodyTimeout: 600), extraRoutes: Self.guarded) { server in
            // A large declared body that never comes: the old server waited for it (408 after bodyTimeout).
            let client = try server.client()
            try client.send("POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
            let refused = try client.readResponse()
            #expect(refused.status == 401)
            #expect(refused.header("Connection") == "close")
            #expect(client.readsEndOfStream())

            let expecting = try server.client()
            try expecting.send("POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
            #expect(try expecting.readResponse().status == 401, "no 100 Continue for a refused request")

            let unknown = try server.client()
            try unknown.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            #expect(try unknown.readResponse().status == 404)

            let allowed = try server.client()
            try allowed.send("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try allowed.readResponse().status == 100)
            try allowed.send("hello")
            let echoed = try allowed.readResponse()
            #expect(echoed.status == 200 && echoed.text == "hello")
        }
    }

    @Test func bodiesBeyondTheServerWideBudgetAre503WithRetryAfter() throws {
        try withServer(limits: ServerLimits(maxBodyBytes: 1000, maxBodyBytesInFlight: 1500)) { server in
            let head = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"
            let first = try server.client()
            try first.send(head)
            #expect(try first.readResponse().status == 100, "the first body's bytes are reserved")

            let second = try server.client()
            try second.send(head)
            let refused = try second.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(second.readsEndOfStream())

            try first.send([UInt8](repeating: 0x61, count: 1000))
            #expect(try first.readResponse().text.count == 1000)
            let third = try server.client()
            try third.send(head)
            #expect(try third.readResponse().status == 100, "answered bodies give their bytes back")
            try third.send([UInt8](repeating: 0x62, count: 1000))
            #expect(try third.readResponse().status == 200)
        }
        try withServer(limits: ServerLimits(maxBodyBytes: 1000, maxBodyBytesInFlight: 100)) { server in
            let alone = try server.client()
            try alone.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 800\r\nExpect: 100-continue\r\n\r\n")
            #expect(try alone.readResponse().status == 100, "one body is always admitted when none is in flight")
        }
    }

    @Test func theConnectionCapReclaimsAnIdleKeepAliveConnection() throws {
        try withServer(limits: ServerLimits(maxConnections: 1)) { server in
            let idle = try server.client()
            try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try idle.readResponse().status == 200)
            // The idle mark is set just after the response is written: retry until it is.
            #expect(try eventually { try server.get("/hello").status == 200 }, "a new client is served, not refused")
            #expect(idle.readsEndOfStream(), "the idle connection was closed for it")
        }
    }

    @Test func aConnectionCarriesABoundedNumberOfRequests() throws {
        try withServer(limits: ServerLimits(maxRequestsPerConnection: 3)) { server in
            let client = try server.client()
            for index in 1...3 {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == (index < 3 ? nil : "close"), "request \(index)")
            }
            #expect(client.readsEndOfStream())
        }
    }
}
