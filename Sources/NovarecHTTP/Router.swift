import Dispatch
import Synchronization

/// Maps method + path to handlers. Patterns are `/`-separated literals and `{name}` parameters
/// (`/v1/items/{id}`); a path matching no pattern is 404, one matching only under other methods is
/// 405 with `Allow`. HEAD is served by the GET handler (the server drops the body).
///
/// Gates decide on a request's head alone — who may call, which media type, which Host — so the
/// server can answer before it reads (and holds) a body it would refuse: router-wide gates see
/// every request first, then the matched route's own gate.
public struct Router: Sendable {
    /// Handlers run on the server's concurrent handler queue, so they may block (a database
    /// write, a training run), unless registered `inline`: then they run on the connection's
    /// event loop and must be fast and never block. A thrown `ProblemDetails` is answered as is;
    /// any other error becomes a 500 that reveals nothing.
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    /// A handler that answers later, from any thread, by calling its `Responder` exactly once:
    /// for work that waits on something shared (e.g. a batch of scoring). It runs on the
    /// connection's event loop, so it must never block: what it answers at once (a cached
    /// answer) costs no thread change, anything slow it hands elsewhere and answers from there.
    public typealias DeferredHandler = @Sendable (HTTPRequest, Responder) throws -> Void
    /// Sees the request head (its body is empty when the server asks before reading it) and
    /// throws a `ProblemDetails` to refuse it. Gates run on event loops, so they must be cheap.
    public typealias Gate = @Sendable (HTTPRequest) throws -> Void

    /// A class, so looking routes up costs one reference count per route, not one per field.
    private final class Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let segments: [PathSegment]
        let gate: Gate?
        let handler: RouteHandler

        init(method: HTTPMethod, pattern: String, segments: [PathSegment], gate: Gate?, handler: RouteHandler) {
            (self.method, self.pattern, self.segments, self.gate, self.handler) = (method, pattern, segments, gate, handler)
        }
    }

    /// A handler that answers by returning (no `Responder` to allocate on the hot path), or
    /// one that answers later.
    private enum RouteHandler: Sendable {
        case returning(Handler, inline: Bool)
        case deferred(DeferredHandler)
    }

    /// What the head decides: an answer now, or the route to run once the body is in.
    private enum Decision {
        case answer(RoutedResponse)
        case proceed(Route, parameters: [String: String])
    }

    private enum PathSegment: Sendable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []
    /// Routes without parameters by method and path (`/a/b`), for a path with nothing to
    /// percent-decode: most requests are found here without splitting and decoding their path
    /// and trying every pattern. A route is indexed only when no route registered before it
    /// matches its path under its method, so the index answers what the scan would.
    private var literalRoutes: [LiteralKey: Route] = [:]

    private struct LiteralKey: Hashable {
        let method: HTTPMethod
        let path: String
    }
    private var gates: [Gate] = []
    /// Turns errors of the layers below (e.g. a database that is down) into the problem they
    /// mean for the client; an error it returns nil for is a 500.
    public var problemForError: (@Sendable (any Error) -> ProblemDetails?)?

    public init() {}

    /// Registers `handler` for `method` on `pattern`, behind `gate` if given; the first
    /// registration wins on overlap. `inline`: the handler is fast and never blocks, so the server
    /// runs it on the connection's event loop (see `Handler`).
    public mutating func on(_ method: HTTPMethod, _ pattern: String, gate: Gate? = nil, inline: Bool = false, handler: @escaping Handler) {
        add(method, pattern, gate: gate, .returning(handler, inline: inline))
    }

    /// Registers a handler that answers through its `Responder` (see `DeferredHandler`).
    public mutating func onDeferred(_ method: HTTPMethod, _ pattern: String, gate: Gate? = nil, handler: @escaping DeferredHandler) {
        add(method, pattern, gate: gate, .deferred(handler))
    }

    private mutating func add(_ method: HTTPMethod, _ pattern: String, gate: Gate?, _ handler: RouteHandler) {
        let segments = Router.split(pattern).map { text -> PathSegment in
            text.hasPrefix("{") && text.hasSuffix("}") && text.count > 2 ? .parameter(String(text.dropFirst().dropLast())) : .literal(String(text))
        }
        let route = Route(method: method, pattern: pattern, segments: segments, gate: gate, handler: handler)
        let literals = segments.compactMap { if case .literal(let text) = $0 { text } else { nil } }
        if literals.count == segments.count, !routes.contains(where: { $0.method == method && Router.match($0.segments, literals) != nil }) {
            literalRoutes[LiteralKey(method: method, path: "/" + literals.joined(separator: "/"))] = route
        }
        routes.append(route)
    }

    public mutating func get(_ pattern: String, gate: Gate? = nil, inline: Bool = false, handler: @escaping Handler) {
        on(.get, pattern, gate: gate, inline: inline, handler: handler)
    }
    public mutating func post(_ pattern: String, gate: Gate? = nil, handler: @escaping Handler) { on(.post, pattern, gate: gate, handler: handler) }
    public mutating func put(_ pattern: String, gate: Gate? = nil, handler: @escaping Handler) { on(.put, pattern, gate: gate, handler: handler) }
    public mutating func patch(_ pattern: String, gate: Gate? = nil, handler: @escaping Handler) { on(.patch, pattern, gate: gate, handler: handler) }
    public mutating func delete(_ pattern: String, gate: Gate? = nil, handler: @escaping Handler) { on(.delete, pattern, gate: gate, handler: handler) }

    /// Adds a gate every request passes (in the order added) before routing and its route's gate.
    public mutating func addGate(_ gate: @escaping Gate) { gates.append(gate) }

    /// The answer the head alone already decides (a gate's refusal, 404, 405), or nil when the
    /// request may go on to its handler. The server asks this before reading a body.
    public func admit(_ head: HTTPRequest) -> RoutedResponse? {
        guard case .answer(let routed) = decide(head) else { return nil }
        return routed
    }

    /// Finds and runs the handler for `request` (after its gates, which run again here so a
    /// router used without a server enforces them too) and passes its answer to `completion`,
    /// once, on whichever thread the handler answers from. Gates, deferred and inline handlers
    /// run on the calling thread; other handlers on `queue` when given (the server's handler
    /// queue), else on the calling thread too. Refusals, routing failures and handler errors come
    /// back as problem responses, with the error kept for the server's log.
    public func respond(
        to request: HTTPRequest, offloadingTo queue: DispatchQueue? = nil, completion: @escaping @Sendable (RoutedResponse) -> Void
    ) {
        switch decide(request) {
        case .answer(let routed):
            completion(routed)
        case .proceed(let route, let parameters):
            var request = request
            request.pathParameters = parameters
            switch route.handler {
            case .returning(let handler, let inline):
                let run: @Sendable () -> Void = { [request, problemForError] in
                    completion(Router.run(route.pattern, problemForError: problemForError) { try handler(request) })
                }
                if let queue, !inline { queue.async(execute: run) } else { run() }
            case .deferred(let handler):
                let responder = Responder(route: route.pattern, problemForError: problemForError, completion: completion)
                do {
                    try handler(request, responder)
                } catch {
                    responder.fail(error)
                }
            }
        }
    }

    /// `respond(to:completion:)`, waiting for the answer: for callers without a server (tests,
    /// tools). Never throws.
    public func respond(to request: HTTPRequest) -> RoutedResponse {
        let answer = Mutex<RoutedResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        respond(to: request) { routed in
            answer.withLock { $0 = routed }
            done.signal()
        }
        done.wait()
        return answer.withLock { $0! }
    }

    private func decide(_ request: HTTPRequest) -> Decision {
        let match = lookup(request)
        let label = if case .proceed(let route, _) = match { route.pattern } else { RoutedResponse.unmatchedRoute }
        for gate in gates {
            if let refused = Router.refusal(label, { try gate(request) }) { return .answer(refused) }
        }
        guard case .proceed(let route, let parameters) = match, let gate = route.gate else { return match }
        var head = request
        head.pathParameters = parameters
        return Router.refusal(route.pattern, { try gate(head) }).map { .answer($0) } ?? match
    }

    /// The route for `request`'s method and path, or the 404/405 answer.
    private func lookup(_ request: HTTPRequest) -> Decision {
        let lookupMethod = request.method == .head ? HTTPMethod.get : request.method
        if request.rawPath.hasPrefix("/"), !request.rawPath.utf8.contains(ASCII.percent),
            let route = literalRoutes[LiteralKey(method: lookupMethod, path: request.rawPath)]
        {
            return .proceed(route, parameters: [:])
        }
        guard let segments = Router.decodedSegments(of: request.rawPath) else {
            return .answer(RoutedResponse(response: .problem(ProblemDetails(status: .notFound)), route: RoutedResponse.unmatchedRoute))
        }
        var otherMethods: [Route] = []
        for route in routes {
            guard let parameters = Router.match(route.segments, segments) else { continue }
            if route.method == lookupMethod { return .proceed(route, parameters: parameters) }
            otherMethods.append(route)
        }
        guard let first = otherMethods.first else {
            return .answer(RoutedResponse(response: .problem(ProblemDetails(status: .notFound)), route: RoutedResponse.unmatchedRoute))
        }
        return .answer(Router.methodNotAllowed(allowed: otherMethods.map(\.method), route: first.pattern))
    }

    /// The gate's refusal as a response, or nil when it let the request through.
    private static func refusal(_ route: String, _ gate: () throws -> Void) -> RoutedResponse? {
        do {
            try gate()
            return nil
        } catch {
            return answer(route, error)
        }
    }

    private static func run(
        _ route: String, problemForError: (@Sendable (any Error) -> ProblemDetails?)?, _ handler: () throws -> HTTPResponse
    ) -> RoutedResponse {
        do {
            return RoutedResponse(response: try handler(), route: route)
        } catch {
            return answer(route, error, problemForError: problemForError)
        }
    }

    /// A thrown `ProblemDetails` as is, an error `problemForError` knows as its problem (the
    /// error kept for the log); anything else a bare 500, the error kept for the log.
    static func answer(_ route: String, _ error: any Error, problemForError: (@Sendable (any Error) -> ProblemDetails?)? = nil) -> RoutedResponse {
        if let problem = error as? ProblemDetails { return RoutedResponse(response: .problem(problem), route: route) }
        let problem = problemForError?(error) ?? ProblemDetails(status: .internalServerError)
        return RoutedResponse(response: .problem(problem), route: route, error: error)
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
