import Foundation

/// A parsed request as handlers see it: method, decoded path and query, headers and the complete
/// body (bodies are bounded by `ServerLimits.maxBodyBytes`, so they are read whole).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as received (e.g. `/v1/items/a%2Fb?x=1`).
    public var target: String
    /// The path before percent-decoding; the router splits this one into segments.
    public var rawPath: String
    /// The percent-decoded path.
    public var path: String
    /// Decoded query parameters, every value of a repeated name in order.
    public var query: [String: [String]]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Values of the `{name}` segments of the matched route pattern, percent-decoded.
    public var pathParameters: [String: String] = [:]
    /// Whether the client allows the connection to stay open after the response.
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool
    /// Whether the server that received it listens on a loopback address (set by the server from
    /// the address it bound; false for a request built by hand).
    public var listenerIsLoopback = false

    public init(
        method: HTTPMethod, target: String, rawPath: String, path: String, query: [String: [String]] = [:],
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        keepAlive: Bool = true, expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        self.rawPath = rawPath
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? { query[name]?.first }

    /// Decodes the body as JSON; a failure becomes a 400 problem naming the decoding error's path.
    public func decodeJSON<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        do {
            return try decoder.decode(type, from: Data(body))
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "The request body is not valid JSON for this endpoint.")
        }
    }
}
