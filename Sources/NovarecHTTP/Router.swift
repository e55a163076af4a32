/// Maps method + path to handlers. Patterns are `/`-separated literals and `{name}` parameters
/// (`/v1/items/{id}`); a path matching no pattern is 404, one matching only under other methods is
/// 405 with `Allow`. HEAD is served by the GET handler (the server drops the body).
public struct Router: Sendable {
    /// Handlers run on the server's concurrent handler queue, never on an I/O queue. A thrown
    /// `ProblemDetails` is answered as is; any other error becomes a 500 that reveals nothing.
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    private struct Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let segments: [PathSegment]
        let handler: Handler
    }

    private enum PathSegment: Sendable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []
    /// Turns errors of the layers below (e.g. a database that is down) into the problem they
    /// mean for the client; an error it returns nil for is a 500.
    public var problemForError: (@Sendable (any Error) -> ProblemDetails?)?

    public init() {}

    /// Registers `handler` for `method` on `pattern`; the first registration wins on overlap.
    public mutating func on(_ method: HTTPMethod, _ pattern: String, handler: @escaping Handler) {
        let segments = Router.split(pattern).map { text -> PathSegment in
            text.hasPrefix("{") && text.hasSuffix("}") && text.count > 2 ? .parameter(String(text.dropFirst().dropLast())) : .literal(String(text))
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
    }

    public mutating func get(_ pattern: String, handler: @escaping Handler) { on(.get, pattern, handler: handler) }
    public mutating func post(_ pattern: String, handler: @escaping Handler) { on(.post, pattern, handler: handler) }
    public mutating func put(_ pattern: String, handler: @escaping Handler) { on(.put, pattern, handler: handler) }
    public mutating func patch(_ pattern: String, handler: @escaping Handler) { on(.patch, pattern, handler: handler) }
    public mutating func delete(_ pattern: String, handler: @escaping Handler) { on(.delete, pattern, handler: handler) }

    /// Finds and runs the handler for `request`. Never throws: routing failures and handler errors
    /// come back as problem responses, with the error kept for the server's log.
    public func respond(to request: HTTPRequest) -> RoutedResponse {
        guard let segments = Router.decodedSegments(of: request.rawPath) else {
            return RoutedResponse(response: .problem(ProblemDetails(status: .notFound)), route: RoutedResponse.unmatchedRoute)
        }
        let candidates = routes.compactMap { route in Router.match(route.segments, segments).map { (route, $0) } }
        let lookupMethod = request.method == .head ? HTTPMethod.get : request.method
        guard let (route, parameters) = candidates.first(where: { $0.0.method == lookupMethod }) else {
            return candidates.isEmpty ? RoutedResponse(response: .problem(ProblemDetails(status: .notFound)), route: RoutedResponse.unmatchedRoute)
                : Router.methodNotAllowed(allowed: candidates.map(\.0.method), route: candidates[0].0.pattern)
        }
        var request = request
        request.pathParameters = parameters
        return run(route, request)
    }

    private func run(_ route: Route, _ request: HTTPRequest) -> RoutedResponse {
        do {
            return RoutedResponse(response: try route.handler(request), route: route.pattern)
        } catch let problem as ProblemDetails {
            return RoutedResponse(response: .problem(problem), route: route.pattern)
        } catch {
            if let problem = problemForError?(error) { return RoutedResponse(response: .problem(problem), route: route.pattern, error: error) }
            return RoutedResponse(response: .problem(ProblemDetails(status: .internalServerError)), route: route.pattern, error: error)
        }
    }

    private static func methodNotAllowed(allowed: [HTTPMethod], route: String) -> RoutedResponse {
        var names = Set(allowed.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        var response = HTTPResponse.problem(ProblemDetails(status: .methodNotAllowed))
        response.headers.add("Allow", names.sorted().joined(separator: ", "))
        return RoutedResponse(response: response, route: route)
    }

    /// Parameter values by name when `path` fits `pattern`.
    private static func match(_ pattern: [PathSegment], _ path: [String]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(pattern, path) {
            switch segment {
            case .literal(let text): guard text == value else { return nil }
            case .parameter(let name): parameters[name] = value
            }
        }
        return parameters
    }

    private static func split(_ path: String) -> [Substring] {
        path.dropFirst(path.hasPrefix("/") ? 1 : 0).split(separator: "/", omittingEmptySubsequences: false)
    }

    /// Segments are split before decoding, so `%2F` stays inside its segment.
    private static func decodedSegments(of rawPath: String) -> [String]? {
        var segments: [String] = []
        for segment in split(rawPath) {
            guard let decoded = PercentDecoding.decode(segment.utf8) else { return nil }
            segments.append(decoded)
        }
        return segments
    }
}

/// A router's answer: the response, the pattern that produced it (the metrics label, never the raw
/// path, so label cardinality stays bounded) and the handler error behind a 500, for the log.
public struct RoutedResponse: Sendable {
    /// The metrics label of requests that matched no route.
    public static let unmatchedRoute = "unmatched"

    public var response: HTTPResponse
    public var route: String
    public var error: (any Error)?

    public init(response: HTTPResponse, route: String, error: (any Error)? = nil) {
        self.response = response
        self.route = route
        self.error = error
    }
}
