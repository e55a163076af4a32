/// An HTTP response status code with its reason phrase (FoundationNetworking's table is not
/// available without that module on Linux, so the server keeps its own).
public struct HTTPStatus: Sendable, Hashable {
    public let code: Int

    public init(_ code: Int) { self.code = code }

    public static let ok = HTTPStatus(200)
    public static let notFound = HTTPStatus(404)

    public var reasonPhrase: String {
        switch code {
        case 200: "OK"
        case 404: "Not Found"
        default: "Status \(code)"
        }
    }
}
