import Foundation
import Logging
@testable import NovarecHTTP
import Synchronization

/// A server on 127.0.0.1 with an ephemeral port and a fixed set of test routes.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int
    let host: String
    /// The clock the server's timeouts run on, when the test moves it by hand.
    let manualClock: ManualUptimeClock?

    static let silentLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init(
        limits: ServerLimits = ServerLimits(), host: String = "127.0.0.1", gracePeriod: Double = 10,
        logger: Logger = TestServer.silentLogger, clock: ManualUptimeClock? = nil, extraRoutes: (inout Router) -> Void = { _ in }
    ) throws {
        var router = TestServer.standardRoutes()
        extraRoutes(&router)
        let configuration = HTTPServer.Configuration(
            host: host, port: 0, limits: limits, shutdownGracePeriod: gracePeriod, clock: clock?.clock ?? .system)
        manualClock = clock
        server = HTTPServer(configuration: configuration, router: router, logger: logger)
        port = try server.start().port
        self.host = host
    }

    func client() throws -> TestClient { try TestClient(port: port, host: host) }

    /// One request on a fresh connection.
    func get(_ path: String) throws -> TestResponse {
        let client = try client()
        try client.send("GET \(path) HTTP/1.1\r\nHost: test\r\n\r\n")
        return try client.readResponse()
    }

    func stop() { server.shutdown() }

    /// Returns once every event loop has handled what clients sent so far (false when a loop did
    /// not answer).
    func handleWhatIsReady() -> Bool { server.checkDeadlinesNow() }

    /// Moves the manual clock on in steps of `step` seconds, each followed by every event loop
    /// handling what is ready and checking its deadlines, until `condition` holds; the seconds
    /// moved, or nil when `limit` seconds pass first (or a loop does not answer). What clients
    /// sent before is handled before the first step.
    func advanceClock(by step: Double, until condition: () -> Bool, limit: Double = 3600) -> Double? {
        guard let manualClock else { preconditionFailure("the server runs on the system clock") }
        guard server.checkDeadlinesNow() else { return nil }
        var moved = 0.0
        while !condition() {
            guard moved < limit else { return nil }
            manualClock.advance(by: step)
            moved += step
            guard server.checkDeadlinesNow() else { return nil }
        }
        return moved
    }

    static func standardRoutes() -> Router {
        var router = Router()
        router.get("/hello") { _ in .text("hello") }
        router.post("/echo") { request in HTTPResponse(headers: ["Content-Type": "application/octet-stream"], body: request.body) }
        router.get("/items/{id}") { request in try .json(["id": request.pathParameters["id"] ?? ""]) }
        router.delete("/items/{id}") { _ in HTTPResponse(status: .noContent) }
        router.get("/query") { request in try .json(request.query) }
        router.get("/path") { request in .text(request.path) }
        router.get("/fail") { _ in throw SecretError() }
        router.get("/conflict") { _ in
            throw ProblemDetails(status: .conflict, detail: "Item 7 changed.", extensions: ["retryAfter": 3])
        }
        // Answers from another thread, after the handler has returned; twice, to show only the
        // first answer counts.
        router.onDeferred(.get, "/later/{word}") { request, responder in
            let word = request.pathParameters["word"] ?? ""
            DispatchQueue.global().async {
                if word == "gone" { responder.fail(ProblemDetails(status: .conflict)) } else { responder.respond(.text("later \(word)")) }
                responder.respond(.text("second answer"))
            }
        }
        router.onDeferred(.get, "/later-fail") { _, _ in throw SecretError() }
        return router
    }

    /// An error whose text must never reach a client.
    struct SecretError: Error, CustomStringConvertible {
        var description: String { "database password is hunter2" }
    }
}

/// Runs `body` with a started test server and always shuts it down.
func withServer<T>(
    limits: ServerLimits = ServerLimits(), host: String = "127.0.0.1", gracePeriod: Double = 10,
    logger: Logger = TestServer.silentLogger, clock: ManualUptimeClock? = nil, extraRoutes: (inout Router) -> Void = { _ in },
    _ body: (TestServer) throws -> T
) throws -> T {
    let server = try TestServer(limits: limits, host: host, gracePeriod: gracePeriod, logger: logger, clock: clock, extraRoutes: extraRoutes)
    defer { server.stop() }
    return try body(server)
}

/// A one-shot latch for handlers that must block until the test releases them.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let entered = DispatchSemaphore(value: 0)

    /// Called by the handler: signals arrival, then waits for `open()`.
    func pass() {
        entered.signal()
        semaphore.wait()
    }

    /// Waits until a handler reached `pass()`.
    func waitForArrival(timeout: Double = 30) -> Bool {
        entered.wait(timeout: .now() + timeout) == .success
    }

    func open(count: Int = 1) {
        for _ in 0..<count { semaphore.signal() }
    }
}

/// Runs `work` on `count` real threads (blocking sockets would starve Swift's cooperative pool)
/// and waits for all of them.
func onThreads(_ count: Int, timeout: Double = 120, _ work: @escaping @Sendable (Int) -> Void) -> Bool {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            work(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    return group.wait(timeout: .now() + timeout) == .success
}
