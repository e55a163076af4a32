import Foundation
import NovarecCore
import NovarecHTTP
import NovarecRank
import NovarecStore

/// The service over HTTP: thin routes that parse a request, call the `RecommendationEngine`
/// and write its answer as JSON (or problem+json), plus the item records and API keys that
/// only the HTTP edge needs. Every route sits behind gates decided on the request head: the
/// loopback `Host` rule for all, and per route its key scope and the JSON media type of a body.
public final class RecommendationService: Sendable {
    public let engine: RecommendationEngine
    private let itemStore: ItemStore
    let keys: APIKeys
    /// Turns written items' text into vectors in the background (nil: no text encoder).
    public let embedder: ItemEmbedder?

    public init(engine: RecommendationEngine, itemStore: ItemStore, keys: APIKeys = APIKeys([]), embedder: ItemEmbedder? = nil) {
        self.engine = engine
        self.itemStore = itemStore
        self.keys = keys
        self.embedder = embedder
    }

    /// The service's routes on top of `router` (which may already hold other routes), with the
    /// model lifecycle's when a coordinator is given; `/metrics` adds the HTTP server's counters
    /// when `httpMetrics` is given. `/recommend` and `/events` are the design card's short
    /// names for `/v1/recommendations` and `/v1/events`.
    public func routes(_ router: inout Router, httpMetrics: ServerMetrics? = nil, coordinator: ModelCoordinator? = nil) {
        router.problemForError = Self.problem(for:)
        router.addGate(LoopbackHost.require)
        coordinator?.routes(&router, service: self)
        let recommendations = RecommendationEndpoint()
        let events = EventsEndpoint()
        let items = ItemsEndpoint(catalogue: engine.catalogue, store: itemStore, itemText: engine.itemText, embedder: embedder)
        for path in ["/v1/recommendations", "/recommend"] {
            router.onDeferred(.get, path, gate: gate(.read)) { [self] request, responder in
                try recommendations.respondToGet(request, engine: engine, responder: responder)
            }
            router.onDeferred(.post, path, gate: gate(.read)) { [self] request, responder in
                try recommendations.respondToPost(request, engine: engine, responder: responder)
            }
        }
        for path in ["/v1/events", "/events"] {
            router.post(path, gate: gate(.write)) { [self] request in try events.respond(request, engine: engine) }
        }
        router.put("/v1/items/{item_id}", gate: gate(.write)) { request in try items.put(request) }
        router.post("/v1/items", gate: gate(.write)) { request in try items.post(request) }
        let erasure = ErasureEndpoint()
        router.delete("/v1/users/{user_id}", gate: gate(.admin)) { [self] request in try erasure.respond(request, engine: engine) }
        router.get("/v1/items/{item_id}", gate: gate(.read)) { request in try items.get(request) }
        let similar = SimilarItemsEndpoint()
        router.get("/v1/items/{item_id}/similar", gate: gate(.read)) { [self] request in try similar.respond(request, engine: engine) }
        router.get("/readyz") { [self] _ in try readiness() }
        Console.routes(&router)
        router.get("/metrics", gate: gate(.monitoring)) { [self] _ in
            var response = HTTPResponse.text(
                PrometheusText.render(ServiceMetrics.families(engine: engine, embedder: embedder, coordinator: coordinator, http: httpMetrics)))
            response.headers.set("Content-Type", PrometheusText.contentType)
            return response
        }
    }

    /// The head's gate for a route of `scope`: its key, then (for a body) the JSON media type.
    func gate(_ scope: APIKeys.Scope) -> Router.Gate {
        { [keys] request in
            try keys.authorize(request, for: scope)
            try JSONContentType.require(request)
        }
    }

    /// 200 while this replica can serve (`write` says whether it can also store), 503 when it
    /// cannot; `reasons` say why in both cases.
    private func readiness() throws -> HTTPResponse {
        let readiness = engine.readiness()
        guard readiness.serve else {
            throw ProblemDetails(
                status: HTTPStatus(503), title: "Not ready", detail: readiness.reasons.joined(separator: "; "),
                extensions: ["reasons": readiness.reasons, "serve": false, "write": readiness.write])
        }
        return try .json(ReadyAnswer(status: readiness.write ? "ready" : "degraded", readiness: readiness))
    }

    struct ReadyAnswer: Encodable {
        let status: String
        let serve: Bool
        let write: Bool
        let reasons: [String]

        init(status: String, readiness: Readiness) {
            (self.status, serve, write, reasons) = (status, readiness.serve, readiness.write, readiness.reasons)
        }
    }

    /// A database that is down or too slow is the service's trouble, not the client's: 503 with
    /// `Retry-After`, never a bare 500.
    static func problem(for error: any Error) -> ProblemDetails? {
        guard let error = error as? PostgresError, error.isUnavailable else { return nil }
        return ProblemDetails(
            status: HTTPStatus(503), title: "Database unavailable",
            detail: "the event database does not answer right now; nothing was stored, retry later",
            headers: ["Retry-After": "5"])
    }
}

extension RecommendationError {
    /// The problem+json answer for this error.
    var problem: ProblemDetails {
        switch self {
        case .invalid(let field, let detail): RequestValidation.invalid(field, detail)
        case .unknownItem: ProblemDetails(status: .notFound, title: "Unknown item", detail: description)
        case .readOnly: ProblemDetails(status: HTTPStatus(503), title: "Read-only", detail: description)
        }
    }
}
