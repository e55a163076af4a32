import NovarecHTTP

/// `GET /v1/recommendations?user_id=U&k=10&novelty=0.3&diversity=0.2&exclude=a,b&category=c&reranker=NAME&rotate=true`
/// and `POST` with a JSON body (anonymous sessions send their history): parses the request into
/// a `RecommendationQuery`, asks the engine, writes its answer. The routes answer through a
/// `Responder`, so a request waiting for its scoring batch holds no handler thread.
struct RecommendationEndpoint: Sendable {
    struct Body: Decodable {
        let userID: String?
        let history: [String]?
        let k: Int?
        let novelty: Double?
        let diversity: Double?
        let exclude: [String]?
        let category: String?
        let reranker: String?
        let rotate: Bool?

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", history, k, novelty, diversity, exclude, category, reranker, rotate
        }
    }

    /// `GET /v1/recommendations?user_id=…`.
    func respondToGet(_ request: HTTPRequest, engine: RecommendationEngine, responder: Responder) throws {
        answer(try getQuery(request), engine: engine, responder: responder)
    }

    /// `POST /v1/recommendations` with `{user_id?, history?, k?, novelty?, diversity?, exclude?, category?, reranker?, rotate?}`.
    func respondToPost(_ request: HTTPRequest, engine: RecommendationEngine, responder: Responder) throws {
        answer(try postQuery(request), engine: engine, responder: responder)
    }

    private func getQuery(_ request: HTTPRequest) throws -> RecommendationQuery {
        guard let user = try RequestValidation.single(request, "user_id") else { throw RequestValidation.invalid("user_id", "is required") }
        var query = RecommendationQuery(user: user)
        query.k = try RequestValidation.integer(request, "k", default: 10, range: 1...100)
        query.novelty = try RequestValidation.fraction(request, "novelty")
        query.diversity = try RequestValidation.fraction(request, "diversity")
        query.exclude = RequestValidation.list(request, "exclude")
        query.category = try RequestValidation.single(request, "category")
        query.reranker = try RequestValidation.single(request, "reranker")
        query.rotate = try RequestValidation.boolean(request, "rotate", default: true)
        try Self.checkNames(query)
        return query
    }

    private func postQuery(_ request: HTTPRequest) throws -> RecommendationQuery {
        let body: Body
        do {
            body = try request.decodeJSON(Body.self)
        } catch {
            throw RequestValidation.invalid(
                "body", "must be a JSON object {user_id?, history?, k?, novelty?, diversity?, exclude?, category?, reranker?, rotate?}")
        }
        let query = RecommendationQuery(
            user: body.userID, history: body.history, k: body.k ?? 10, novelty: body.novelty ?? 0,
            diversity: body.diversity ?? 0, exclude: body.exclude ?? [], category: body.category, reranker: body.reranker,
            rotate: body.rotate ?? true)
        try Self.checkNames(query)
        return query
    }

    /// The query's ids and category obey `IdentifierRule`, its lists their bounds (422 naming
    /// the field, e.g. `exclude[3]`); numbers are the engine's to check.
    static func checkNames(_ query: RecommendationQuery) throws {
        if let user = query.user { try IdentifierRule.requireID(user, field: "user_id") }
        if let history = query.history { try IdentifierRule.requireIDs(history, field: "history", maxCount: RecommendationQuery.maxHistory) }
        try IdentifierRule.requireIDs(query.exclude, field: "exclude", maxCount: RecommendationQuery.maxExcluded)
        if let category = query.category { try IdentifierRule.requireCategory(category, field: "category") }
    }

    private func answer(_ query: RecommendationQuery, engine: RecommendationEngine, responder: Responder) {
        engine.recommend(query) { result in
            switch result {
            case .success(let answer): responder.respond(.json(Self.body(answer)))
            case .failure(let error): responder.fail(error.problem)
            }
        }
    }

    /// `{fallback, items: [{item_id, novelty, reason, relevance, score}], model_version, novelty, user_id?}`,
    /// keys sorted like every other answer; written directly, since this is the hottest response.
    static func body(_ answer: Recommendations) -> JSONWriter {
        var json = JSONWriter()
        json.beginObject()
        json.key("fallback")
        json.bool(answer.fallback)
        json.key("items")
        json.beginArray()
        for item in answer.items {
            json.beginObject()
            json.key("item_id")
            json.string(item.itemID)
            json.key("novelty")
            json.number(item.novelty)
            json.key("reason")
            json.string(item.reason)
            json.key("relevance")
            json.number(item.relevance)
            json.key("score")
            json.number(item.score)
            json.endObject()
        }
        json.endArray()
        json.key("model_version")
        json.string(answer.modelVersion)
        json.key("novelty")
        json.number(answer.novelty)
        if let user = answer.user {
            json.key("user_id")
            json.string(user)
        }
        json.endObject()
        return json
    }
}
