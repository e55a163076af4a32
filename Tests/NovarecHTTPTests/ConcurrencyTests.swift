import Foundation
import NovarecHTTP
import Synchronization
import Testing

struct ConcurrencyTests {
    @Test func servesManyConcurrentClients() throws {
        let threads = 50
        let requestsPerThread = 20
        try withServer { server in
            let failures = Mutex<[String]>([])
            let successes = Atomic<Int>(0)
            let finished = onThreads(threads) { thread in
                do {
                    var client = try server.client()
                    for request in 0..<requestsPerThread {
                        if thread % 2 == 1 { client = try server.client() }
                        let id = "\(thread)-\(request)"
                        try client.send("GET /items/\(id) HTTP/1.1\r\nHost: t\r\n\r\n")
                        let response = try client.readResponse()
                        guard response.status == 200, response.text == #"{"id":"\#(id)"}"# else {
                            throw TestClient.Failure(description: "\(id): \(response.status) \(response.text)")
                        }
                        successes.add(1, ordering: .relaxed)
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(finished)
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(3) })")
            #expect(successes.load(ordering: .relaxed) == threads * requestsPerThread)
        }
    }

    @Test func aSlowHandlerDoesNotStallOtherConnections() throws {
        let gate = Gate()
        try withServer(extraRoutes: { router in
            router.get("/slow") { _ in
                gate.pass()
                return .text("finally")
            }
        }) { server in
            let slow = try server.client()
            try slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(gate.waitForArrival())
            for _ in 0..<20 {
                #expect(try server.get("/hello").text == "hello")
            }
            gate.open()
            #expect(try slow.readResponse().text == "finally")
        }
    }
}
