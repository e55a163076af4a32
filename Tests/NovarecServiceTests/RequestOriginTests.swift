import Foundation
import Logging
import NovarecHTTP
import NovarecTestSupport
import Testing
@testable import NovarecService

/// Who may call what (key scopes), what a body must be (JSON), and which names a loopback server
/// answers to (the DNS-rebinding guard), each decided on the request head.
struct RequestOriginTests {
    typealias Fixture = ServiceTests.Fixture

    static let event = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"view"}]}"#

    /// A raw request on `fixture`'s port: every header as given.
    static func raw(
        _ fixture: Fixture, _ method: String, _ path: String, host: String? = nil, headers: [String] = [],
        body: String? = nil
    ) throws -> RawHTTP.Response {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host ?? "127.0.0.1:\(fixture.port)")", "Connection: close"] + headers
        if let body { lines.append("Content-Length: \(body.utf8.count)") }
        return try RawHTTP.exchange(port: fixture.port, lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? ""))
    }

    @Test func scopesDecideWhoMayReadWriteAndAdminister() throws {
        let fixture = try Fixture(keys: APIKeys(write: ["w-key"], read: ["r-key"], admin: ["a-key"]))
        let json = ["Content-Type: application/json"]
        func status(_ method: String, _ path: String, key: String?, body: String? = nil) throws -> Int {
            try Self.raw(fixture, method, path, headers: (body == nil ? [] : json) + (key.map { ["Authorization: Bearer \($0)"] } ?? []), body: body).status
        }
        #expect(try status("GET", "/v1/recommendations?user_id=u", key: nil) == 401)
        for key in ["r-key", "w-key", "a-key"] { #expect(try status("GET", "/v1/recommendations?user_id=u", key: key) == 200, "\(key)") }
        #expect(try status("POST", "/v1/events", key: "r-key", body: Self.event) == 403, "a read key may not write")
        #expect(try status("POST", "/v1/events", key: "w-key", body: Self.event) == 202)
        #expect(try status("GET", "/metrics", key: "w-key") == 403, "monitoring needs the admin key once admin keys exist")
        #expect(try status("GET", "/metrics", key: "a-key") == 200)
        #expect(try status("GET", "/readyz", key: nil) == 200, "probes stay open")
        let unauthorized = try Self.raw(fixture, "GET", "/v1/items/sku1", headers: ["Authorization: Bearer nope"])
        #expect(unauthorized.status == 401)
        #expect(unauthorized.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(unauthorized.headers["content-type"] == "application/problem+json")
    }

    /// The key is decided on the head: a large body announced without one is refused at once,
    /// never waited for (RawHTTP sends the head alone).
    @Test func anUnauthorisedWriteIsRefusedBeforeItsBodyArrives() throws {
        let fixture = try Fixture(keys: APIKeys(["w-key"]))
        let head =
            [
                "POST /v1/events HTTP/1.1", "Host: 127.0.0.1:\(fixture.port)", "Connection: close", "Content-Type: application/json",
                "Content-Length: 900000"
            ].joined(separator: "\r\n") + "\r\n\r\n"
        let answer = try RawHTTP.exchange(port: fixture.port, head)
        #expect(answer.status == 401)
        #expect(try fixture.store.count() == 0)
    }

    @Test func withoutAdminKeysAdminTakesTheWriteKeysAndMonitoringStaysOpen() throws {
        let keys = APIKeys(["w-key"])
        func authorized(_ scope: APIKeys.Scope, _ header: String?) -> Bool {
            var request = HTTPRequest(method: .get, target: "/", rawPath: "/", path: "/")
            if let header { request.headers.add("Authorization", header) }
            return (try? keys.authorize(request, for: scope)) != nil
        }
        #expect(authorized(.admin, "Bearer w-key") && !authorized(.admin, nil))
        #expect(authorized(.monitoring, nil) && authorized(.read, nil))
        #expect(!authorized(.write, nil) && !authorized(.write, "Basic w-key"))
        for header in ["bearer w-key", "BEARER w-key", "Bearer   w-key", "bEaReR w-key "] { #expect(authorized(.write, header), "\(header)") }
        #expect(!authorized(.write, "Bearerw-key") && !authorized(.write, "Bearer ") && !authorized(.write, "Bearer w-ke"))
    }

    @Test func bodiesMustBeDeclaredJSON() throws {
        let fixture = try Fixture()
        for type in [nil, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx"] {
            let answer = try Self.raw(fixture, "POST", "/v1/events", headers: type.map { ["Content-Type: \($0)"] } ?? [], body: Self.event)
            #expect(answer.status == 415, "\(type ?? "none")")
            #expect(answer.headers["content-type"] == "application/problem+json")
        }
        for type in ["application/json", "Application/JSON; charset=UTF-8", "application/json;charset=\"utf-8\""] {
            let body = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"view"}]}"#
            #expect(try Self.raw(fixture, "POST", "/v1/events", headers: ["Content-Type: \(type)"], body: body).status == 202, "\(type)")
        }
        #expect(try fixture.store.count() == 3)
        #expect(try Self.raw(fixture, "PUT", "/v1/items/sku1", headers: ["Content-Type: text/plain"], body: #"{"title":"x"}"#).status == 415)
        #expect(try Self.raw(fixture, "POST", "/v1/recommendations", body: #"{"user_id":"u"}"#).status == 415)
    }

    @Test func aLoopbackServerAnswersOnlyLoopbackHostNames() throws {
        let fixture = try Fixture()
        for host in ["evil.example", "evil.example:\(fixture.port)", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]:80", "10.0.0.1"] {
            let answer = try Self.raw(fixture, "GET", "/v1/recommendations?user_id=u", host: host)
            #expect(answer.status == 421, "\(host)")
            #expect((answer.json["detail"] as? String)?.contains("loopback") == true)
        }
        for host in ["localhost", "LOCALHOST:\(fixture.port)", "127.0.0.1", "127.0.0.1:\(fixture.port)", "[::1]", "[::1]:\(fixture.port)", "127.1.2.3:80"] {
            #expect(try Self.raw(fixture, "GET", "/v1/recommendations?user_id=u", host: host).status == 200, "\(host)")
        }
    }

    /// The decision rests on the address bound, not the text asked for: `localhost` binds a
    /// loopback address; `0.0.0.0` does not, and with open writes the server never accepts.
    @Test func listeningWithOpenWritesIsRefusedOffLoopback() throws {
        let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let open = APIKeys([])
        let keyed = APIKeys(["k"])
        for host in ["localhost", "127.0.0.1", "::1"] {
            let server = HTTPServer(configuration: .init(host: host, port: 0), router: Router(), logger: silent)
            let address = try server.start(verifying: open.checkListening)
            #expect(address.isLoopback, "\(host)")
            server.shutdown()
        }
        let exposed = HTTPServer(configuration: .init(host: "0.0.0.0", port: 0), router: Router(), logger: silent)
        #expect(throws: APIKeysError.self) { try exposed.start(verifying: open.checkListening) }
        let keyedServer = HTTPServer(configuration: .init(host: "0.0.0.0", port: 0), router: Router(), logger: silent)
        #expect(try !keyedServer.start(verifying: keyed.checkListening).isLoopback)
        keyedServer.shutdown()
        #expect(LoopbackHost.isLoopback(authority: "127.000.0.1") && !LoopbackHost.isLoopback(authority: "127.0.0.256"))
        #expect(!LoopbackHost.isLoopback(authority: "localhost:") && !LoopbackHost.isLoopback(authority: "localhost:123456"))
    }
}
