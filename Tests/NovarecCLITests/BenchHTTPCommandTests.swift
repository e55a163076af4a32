import Foundation
import Logging
import NovarecHTTP
import Testing

@testable import novarec

/// `bench http` against a real server on a real socket, and its response framing byte by byte.
struct BenchHTTPCommandTests {
    static func server() throws -> (HTTPServer, Int) {
        var router = Router()
        router.get("/ok") { request in .text("user \(request.query["user_id"]?.first ?? "?")") }
        let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), router: router, logger: silent)
        return (server, try server.start().port)
    }

    /// A socket listening on a free loopback port, which nothing accepts from until the test does.
    static func listeningSocket() -> (fd: Int32, port: UInt16) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        #expect(bound && listen(listener, 64) == 0)
        return (listener, UInt16(bigEndian: address.sin_port))
    }

    @Test func everyRequestDueIsAnsweredAndTimedFromItsDueTime() throws {
        let (server, port) = try Self.server()
        defer { server.shutdown() }
        let outcome = try CommandLineTests.run([
            "bench", "http", "--address", "127.0.0.1:\(port)", "--path", "/ok?user_id={user}", "--rate", "200", "--duration", "1", "--connections", "3"
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("200 requests due at 200/s over 1 s (3 connections); answered 200"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("failed 0") && outcome.stdout.contains("p99.9"), "\(outcome.stdout)")
        #expect(server.metrics.requestCount(method: "GET", route: "/ok", status: 200) == 200)
    }

    @Test func answersThatAreNotSuccessesAreFailuresAndNoSuccessIsAnError() throws {
        let (server, port) = try Self.server()
        defer { server.shutdown() }
        let outcome = try CommandLineTests.run(["bench", "http", "--address", "127.0.0.1:\(port)", "--path", "/missing", "--rate", "200", "--duration", "0.1"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("no request succeeded (20 failed)"), "\(outcome.stderr)")
        let refused = try CommandLineTests.run(["bench", "http", "--address", "127.0.0.1:1", "--rate", "10", "--duration", "0.1"])
        #expect(refused.status != 0 && refused.stderr.contains("cannot connect to 127.0.0.1:1"), "\(refused.stderr)")
    }

    /// A server that accepts connections (the kernel does, from its backlog) and never answers.
    @Test func aRequestUnansweredPastTheTimeoutFails() throws {
        let (listener, port) = Self.listeningSocket()
        defer { close(listener) }
        let outcome = try CommandLineTests.run([
            "bench", "http", "--address", "127.0.0.1:\(port)", "--rate", "20", "--duration", "0.5", "--connections", "2", "--timeout", "0.2"
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("no request succeeded (10 failed)"), "\(outcome.stderr)")
    }

    /// A server that resets its connection and stops listening: the reconnection is refused,
    /// and the run ends with every request failed instead of waiting for a connection it no
    /// longer has. A run of no requests ends at once.
    @Test func aServerThatGoesAwayEndsTheRun() throws {
        let (listener, port) = Self.listeningSocket()
        let client = try OpenLoopClient(host: "127.0.0.1", port: port, connections: 1)
        #expect(client.run(total: 0, rate: 100, timeout: 1_000_000_000) { _ in [] }.elapsed == 0)
        let accepted = accept(listener, nil, nil)
        var reset = linger(l_onoff: 1, l_linger: 0)
        setsockopt(accepted, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        close(accepted)
        close(listener)
        let outcome = client.run(total: 5, rate: 1_000, timeout: 10_000_000_000) { _ in Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8) }
        #expect(outcome.failures == 5 && outcome.latencies.isEmpty)
    }

    @Test func aRunOfNoRequestsOrAnEndlessTimeoutIsAUsageError() throws {
        for (arguments, message) in [
            (["--rate", "1", "--duration", "0.5"], "--rate × --duration must come to between 1 and 1,000,000,000 requests"),
            (["--rate", "inf"], "--rate × --duration must come to between"),
            (["--timeout", "inf"], "--timeout must be at most 86400 seconds"),
            (["--timeout", "nan"], "must be positive")
        ] {
            let outcome = try CommandLineTests.run(["bench", "http", "--address", "127.0.0.1:1"] + arguments)
            #expect(outcome.status == 64 && outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
    }

    static func frame(_ text: String) throws -> LoadResponseFraming? {
        try Array(text.utf8).withUnsafeBufferPointer { try LoadResponseFraming.parse($0) }
    }

    @Test func aResponseEndsAfterItsHeadAndContentLengthBytes() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCONTENT-LENGTH:  5 \r\n\r\n"
        #expect(try Self.frame(String(head.dropLast(2))) == nil)
        #expect(try Self.frame(head + "abcd") == nil)
        #expect(try Self.frame(head + "abcde") == LoadResponseFraming(length: head.utf8.count + 5, status: 200, keepAlive: true))
        #expect(try Self.frame(head + "abcdeHTTP/1.1")?.length == head.utf8.count + 5)
        let closing = try Self.frame("HTTP/1.1 503 Service Unavailable\r\nconnection: Close\r\n\r\n")
        #expect(closing == LoadResponseFraming(length: 55, status: 503, keepAlive: false))
        #expect(try Self.frame("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func aMalformedStatusLineOrLengthIsAnError() {
        #expect(throws: LoadResponseFraming.Failure.malformedStatusLine) { try Self.frame("SMTP/1.1 200 OK\r\n\r\n") }
        #expect(throws: LoadResponseFraming.Failure.malformedStatusLine) { try Self.frame("HTTP/1.1 2x0 OK\r\n\r\n") }
        #expect(throws: LoadResponseFraming.Failure.malformedContentLength) { try Self.frame("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") }
        #expect(throws: LoadResponseFraming.Failure.malformedContentLength) { try Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n") }
    }
}
