import Foundation
import NovarecHTTP
import NovarecTestSupport
import Testing

struct ShutdownTests {
    @Test func finishesInFlightRequestsAndClosesIdleConnections() throws {
        let gate = Gate()
        let server = try TestServer(gracePeriod: 60) { router in
            router.get("/slow") { _ in
                gate.pass()
                return .text("finished")
            }
        }
        let inFlight = try server.client()
        try inFlight.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(gate.waitForArrival())
        let idle = try server.client()
        try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().status == 200)

        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.stop()
            stopped.signal()
        }.start()

        #expect(idle.readsEndOfStream())
        #expect(eventually { (try? TestClient(port: server.port)) == nil })
        #expect(stopped.wait(timeout: .now()) == .timedOut)
        gate.open()
        let response = try inFlight.readResponse()
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        #expect(inFlight.readsEndOfStream())
        #expect(stopped.wait(timeout: .now() + 30) == .success)
    }

    @Test func letsAHalfReceivedRequestFinish() throws {
        let server = try TestServer(gracePeriod: 60)
        let client = try server.client()
        // The interim 100 proves the server has parsed the head before shutdown begins.
        try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("ab")
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.stop()
            stopped.signal()
        }.start()
        #expect(eventually { (try? TestClient(port: server.port)) == nil })
        try client.send("cd")
        let response = try client.readResponse()
        #expect(response.text == "abcd")
        #expect(response.header("Connection") == "close")
        #expect(stopped.wait(timeout: .now() + 30) == .success)
    }

    @Test func closesStragglersAfterTheGracePeriod() throws {
        let gate = Gate()
        let server = try TestServer(gracePeriod: 0.3) { router in
            router.get("/stuck") { _ in
                gate.pass()
                return .text("too late")
            }
        }
        let client = try server.client()
        try client.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(gate.waitForArrival())
        server.stop()
        #expect(client.readsEndOfStream())
        #expect(eventually { server.server.metrics.openConnections == 0 })
        gate.open()
    }
}
