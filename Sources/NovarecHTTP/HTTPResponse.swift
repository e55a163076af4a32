import Foundation

/// What a handler returns: status, header fields and a complete body. The server adds the
/// framing fields itself (`Content-Length`, `Connection`, `Date`, `Server`), so handlers only set
/// what describes the content.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response encoding `value` (keys sorted, so output is reproducible).
    public static func json<Value: Encodable>(_ value: Value, status: HTTPStatus = .ok) throws -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: try encodeJSON(value))
    }

    /// An `application/problem+json` response whose status and extra header fields are the problem's.
    public static func problem(_ problem: ProblemDetails) -> HTTPResponse {
        let body = (try? encodeJSON(problem)) ?? Array(#"{"title":"Internal Server Error","status":500}"#.utf8)
        var response = HTTPResponse(status: problem.status, headers: ["Content-Type": "application/problem+json"], body: body)
        for field in problem.headers { response.headers.add(field.name, field.value) }
        return response
    }

    private static func encodeJSON<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
