import Foundation

/// An RFC 9457 problem: the one shape every error response of the server takes
/// (`application/problem+json`). Handlers may throw it to answer with its status; any other
/// error a handler throws becomes a bare 500 problem, so nothing internal reaches the client.
public struct ProblemDetails: Error, Sendable, Encodable {
    /// A URI naming the problem type; `about:blank` means "just the status".
    public var type: String
    public var title: String
    public var status: HTTPStatus
    /// A client-facing explanation of this occurrence.
    public var detail: String?
    /// A URI naming this occurrence.
    public var instance: String?
    /// Extension members, encoded at the top level beside the standard ones (which win on a clash).
    public var extensions: [String: any Encodable & Sendable]
    /// Header fields the answer carries besides the body (`WWW-Authenticate` on a 401,
    /// `Retry-After` on a 503); never encoded into the body.
    public var headers: HTTPHeaders

    public init(
        status: HTTPStatus, title: String? = nil, detail: String? = nil, type: String = "about:blank",
        instance: String? = nil, extensions: [String: any Encodable & Sendable] = [:], headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions = extensions
        self.headers = headers
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberKey.self)
        for (name, value) in extensions where !ProblemDetails.standardMembers.contains(name) {
            try container.encode(value, forKey: MemberKey(name))
        }
        try container.encode(type, forKey: MemberKey("type"))
        try container.encode(title, forKey: MemberKey("title"))
        try container.encode(status.code, forKey: MemberKey("status"))
        try container.encodeIfPresent(detail, forKey: MemberKey("detail"))
        try container.encodeIfPresent(instance, forKey: MemberKey("instance"))
    }

    private static let standardMembers: Set<String> = ["type", "title", "status", "detail", "instance"]

    private struct MemberKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
