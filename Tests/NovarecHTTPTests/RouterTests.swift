import Foundation
import NovarecHTTP
import Synchronization
import Testing

struct RouterTests {
    private func request(_ method: HTTPMethod, _ target: String) throws -> HTTPRequest {
        try #require(Parse.request("\(method) \(target) HTTP/1.1\r\nHost: h\r\n\r\n"))
    }

    @Test func matchesLiteralsAndParameters() throws {
        let routed = TestServer.standardRoutes().respond(to: try request(.get, "/items/a%2Fb%20c"))
        #expect(routed.response.status == .ok)
        #expect(routed.route == "/items/{id}")
        #expect(String(decoding: routed.response.body, as: UTF8.self) == #"{"id":"a/b c"}"#)
    }

    @Test func answers404ForUnknownPaths() throws {
        for target in ["/nothing", "/items", "/items/1/extra", "/hello/"] {
            let routed = TestServer.standardRoutes().respond(to: try request(.get, target))
            #expect(routed.response.status == .notFound, "\(target)")
            #expect(routed.route == RoutedResponse.unmatchedRoute)
            #expect(routed.response.headers["Content-Type"] == "application/problem+json")
        }
    }

    @Test func answers405WithAllow() throws {
        let routed = TestServer.standardRoutes().respond(to: try request(.put, "/items/7"))
        #expect(routed.response.status == .methodNotAllowed)
        #expect(routed.response.headers["Allow"] == "DELETE, GET, HEAD")
        #expect(routed.route == "/items/{id}")
    }

    @Test func servesHeadWithTheGetHandler() throws {
        let routed = TestServer.standardRoutes().respond(to: try request(.head, "/hello"))
        #expect(routed.response.status == .ok)
        #expect(routed.response.body == Array("hello".utf8))
    }

    @Test func hidesHandlerErrorsBehindA500() throws {
        let routed = TestServer.standardRoutes().respond(to: try request(.get, "/fail"))
        #expect(routed.response.status == .internalServerError)
        #expect(routed.error is TestServer.SecretError)
        let body = String(decoding: routed.response.body, as: UTF8.self)
        #expect(!body.contains("hunter2") && !body.contains("SecretError"))
        #expect(body == #"{"status":500,"title":"Internal Server Error","type":"about:blank"}"#)
    }

    @Test func answersThrownProblemsAsTheyAre() throws {
        let routed = TestServer.standardRoutes().respond(to: try request(.get, "/conflict"))
        #expect(routed.response.status == .conflict)
        #expect(routed.error == nil)
        let body = String(decoding: routed.response.body, as: UTF8.self)
        #expect(body == #"{"detail":"Item 7 changed.","retryAfter":3,"status":409,"title":"Conflict","type":"about:blank"}"#)
    }

    @Test func deferredHandlersAnswerOnceFromAnyThread() throws {
        let router = TestServer.standardRoutes()
        let later = router.respond(to: try request(.get, "/later/tea"))
        #expect(later.response.status == .ok)
        #expect(later.route == "/later/{word}")
        #expect(later.response.body == Array("later tea".utf8))
        let gone = router.respond(to: try request(.get, "/later/gone"))
        #expect(gone.response.status == .conflict)
        #expect(gone.response.headers["Content-Type"] == "application/problem+json")
        let failed = router.respond(to: try request(.get, "/later-fail"))
        #expect(failed.response.status == .internalServerError)
        #expect(failed.error is TestServer.SecretError)
    }

    /// A server passes its handler queue: plain handlers run there, inline and deferred ones on
    /// the calling thread (the connection's event loop).
    @Test func onlyHandlersThatMayBlockLeaveTheCallersThread() throws {
        let key = DispatchSpecificKey<String>()
        let queue = DispatchQueue(label: "handlers", attributes: .concurrent)
        queue.setSpecific(key: key, value: "handler queue")
        let place: @Sendable () -> HTTPResponse = { .text(DispatchQueue.getSpecific(key: key) ?? "caller") }
        var router = Router()
        router.get("/may-block") { _ in place() }
        router.get("/fast", inline: true) { _ in place() }
        router.onDeferred(.get, "/deferred") { _, responder in responder.respond(place()) }
        for (path, expected) in [("/may-block", "handler queue"), ("/fast", "caller"), ("/deferred", "caller")] {
            let answered = DispatchSemaphore(value: 0)
            let body = Mutex<[UInt8]>([])
            router.respond(to: try request(.get, path), offloadingTo: queue) { routed in
                body.withLock { $0 = routed.response.body }
                answered.signal()
            }
            answered.wait()
            #expect(body.withLock { $0 } == Array(expected.utf8), "\(path)")
        }
    }

    @Test func firstRegistrationWins() throws {
        var router = Router()
        router.get("/items/new") { _ in .text("literal") }
        router.get("/items/{id}") { _ in .text("parameter") }
        let routed = router.respond(to: try request(.get, "/items/new"))
        #expect(routed.response.body == Array("literal".utf8))
    }

    /// Paths without parameters are looked up directly; the order of registration, HEAD,
    /// percent-encoding and other methods still decide as they do for every route.
    @Test func aPathWithoutParametersIsFoundAsTheScanWouldFindIt() throws {
        var router = Router()
        router.get("/items/{id}") { _ in .text("parameter") }
        router.get("/items/new") { _ in .text("literal, registered after a pattern that matches it") }
        router.get("/v1/list") { _ in .text("list") }
        router.post("/v1/list") { _ in .text("posted") }
        router.get("/") { _ in .text("root") }
        let answers = [
            ("GET", "/items/new", "parameter"), ("GET", "/v1/list", "list"), ("HEAD", "/v1/list", ""), ("POST", "/v1/list", "posted"),
            ("GET", "/v1/%6Cist", "list"), ("GET", "/", "root"), ("GET", "http://h/v1/list?x=1", "list")
        ]
        for (method, target, body) in answers {
            let routed = router.respond(to: try request(HTTPMethod(method), target))
            #expect(routed.response.status == .ok, "\(method) \(target)")
            #expect(String(decoding: routed.response.body, as: UTF8.self) == body || method == "HEAD", "\(method) \(target)")
        }
        #expect(router.respond(to: try request(.put, "/v1/list")).response.status == .methodNotAllowed)
        #expect(router.respond(to: try request(.get, "/v1/list/")).response.status == .notFound)
        #expect(router.respond(to: try request(.get, "/v1/List")).response.status == .notFound)
    }

    /// Gates decide on the head: router-wide ones first (even for unknown paths), then the
    /// route's, which sees the path parameters; `admit` answers only what the head decides.
    @Test func gatesDecideOnTheHeadBeforeTheHandler() throws {
        var router = Router()
        router.addGate { request in
            guard request.headers["X-Blocked"] == nil else { throw ProblemDetails(status: .forbidden, headers: ["X-Why": "blocked"]) }
        }
        router.get(
            "/items/{id}",
            gate: { request in
                guard request.pathParameters["id"] != "secret" else { throw ProblemDetails(status: .unauthorized) }
            }
        ) { request in .text(request.pathParameters["id"] ?? "") }
        router.get("/broken", gate: { _ in throw TestServer.SecretError() }) { _ in .text("never") }
        let blocked = try #require(Parse.request("GET /nothing HTTP/1.1\r\nHost: h\r\nX-Blocked: 1\r\n\r\n"))
        #expect(router.admit(blocked)?.response.status == .forbidden)
        #expect(router.respond(to: blocked).response.headers["X-Why"] == "blocked", "a problem's header fields reach the response")
        #expect(router.admit(try request(.get, "/items/secret"))?.response.status == .unauthorized)
        #expect(router.respond(to: try request(.get, "/items/secret")).route == "/items/{id}")
        #expect(router.admit(try request(.get, "/items/7")) == nil)
        #expect(router.respond(to: try request(.get, "/items/7")).response.body == Array("7".utf8))
        #expect(router.admit(try request(.get, "/elsewhere"))?.response.status == .notFound)
        #expect(router.admit(try request(.post, "/items/7"))?.response.status == .methodNotAllowed)
        let broken = router.respond(to: try request(.get, "/broken"))
        #expect(broken.response.status == .internalServerError && broken.error is TestServer.SecretError)
    }
}
