import NovarecCore
import NovarecHTTP
import NovarecRank

/// `GET /v1/recommendations?user_id=U&k=10&novelty=0.3&diversity=0.2&exclude=a,b` (and `POST`
/// with a JSON body, for anonymous sessions that send their history): scores the catalogue from
/// the user's history (or live popularity for an unknown user, marked `fallback`),
/// removes seen, excluded and unavailable items (and those outside `category`), and re-ranks the top candidates with the dials.
struct RecommendationEndpoint: Sendable {
    /// Candidates the re-ranker chooses from.
    static let candidatePoolSize = 200
    /// Candidates cached per user, before request filters: the margin lets `exclude` and newly
    /// unavailable items drop up to 56 of them without a fresh scoring.
    static let cachedPoolSize = 256

    /// What one request asks for, from a GET query or a POST body.
    struct Query {
        var user: String?
        /// An explicit history (anonymous sessions); nil means the user's stored history.
        var history: [String]?
        var k = 10
        var novelty = 0.0
        var diversity = 0.0
        var exclude: [String] = []
        var category: String?
    }

    struct Body: Decodable {
        let userID: String?
        let history: [String]?
        let k: Int?
        let novelty: Double?
        let diversity: Double?
        let exclude: [String]?
        let category: String?

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", history, k, novelty, diversity, exclude, category
        }
    }

    /// `GET /v1/recommendations?user_id=…`.
    func respondToGet(_ request: HTTPRequest, service: RecommendationService) throws -> HTTPResponse {
        guard let user = request.queryValue("user_id"), !user.isEmpty, user.count <= 256 else {
            throw RequestValidation.invalid("user_id", "is required (1 to 256 characters)")
        }
        var query = Query(user: user)
        query.k = try RequestValidation.integer(request, "k", default: 10, range: 1...100)
        query.novelty = try RequestValidation.fraction(request, "novelty")
        query.diversity = try RequestValidation.fraction(request, "diversity")
        query.exclude = (request.queryValue("exclude") ?? "").split(separator: ",").map(String.init)
        query.category = request.queryValue("category")
        return try answer(query, service: service)
    }

    /// `POST /v1/recommendations` with `{user_id?, history?, k?, novelty?, diversity?, exclude?}`:
    /// an anonymous session sends its own history.
    func respondToPost(_ request: HTTPRequest, service: RecommendationService) throws -> HTTPResponse {
        let body: Body
        do {
            body = try request.decodeJSON(Body.self)
        } catch {
            throw RequestValidation.invalid("body", "must be a JSON object {user_id?, history?, k?, novelty?, diversity?, exclude?}")
        }
        guard body.userID != nil || body.history != nil else { throw RequestValidation.invalid("history", "give user_id, history or both") }
        if let user = body.userID, !(1...256).contains(user.count) { throw RequestValidation.invalid("user_id", "must be 1 to 256 characters") }
        if let history = body.history, history.count > 1_000 { throw RequestValidation.invalid("history", "at most 1000 items") }
        let query = Query(user: body.userID, history: body.history, k: body.k ?? 10, novelty: body.novelty ?? 0,
                          diversity: body.diversity ?? 0, exclude: body.exclude ?? [], category: body.category)
        guard (1...100).contains(query.k) else { throw RequestValidation.invalid("k", "must be an integer between 1 and 100") }
        guard (0...1).contains(query.novelty) else { throw RequestValidation.invalid("novelty", "must be between 0 and 1") }
        guard (0...1).contains(query.diversity) else { throw RequestValidation.invalid("diversity", "must be between 0 and 1") }
        return try answer(query, service: service)
    }

    private func answer(_ query: Query, service: RecommendationService) throws -> HTTPResponse {
        let stored = query.history == nil ? query.user.flatMap { service.histories.entry(of: $0) } : nil
        let cacheable = query.category == nil ? stored.map { (user: query.user ?? "", revision: $0.revision) } : nil
        let (model, cached) = cacheable.map { service.cachedCandidates(user: $0.user, revision: $0.revision) } ?? (service.model, nil)
        let history = (query.history ?? stored?.items ?? []).compactMap { model.items.index(of: $0) }
        let useModel = model.model != nil && !history.isEmpty
        let excluded = Set(query.exclude.compactMap { model.items.index(of: $0) }).union(service.catalogue.unavailable(in: model.items))
        let key = useModel ? cacheable.map { CandidateCache.Key(user: $0.user, modelVersion: model.version, revision: $0.revision) } : nil
        let pool = cached.flatMap { Self.pool(from: $0, excluding: excluded) }
            ?? freshPool(model: model, history: history, useModel: useModel, category: query.category, excluded: excluded,
                         cacheKey: key, service: service)
        let ranking = model.reranker.rerank(pool, k: query.k, novelty: query.novelty, diversity: query.diversity)
        service.served.record(items: ranking.items.map { model.items.id(at: $0.item) }, meanNovelty: ranking.meanNovelty,
                              tailItems: ranking.items.lazy.filter { !model.isHead[Int($0.item)] }.count, catalogueSize: model.items.count)
        return .json(Self.body(ranking, user: query.user, items: model.items, version: model.version, fallback: !useModel))
    }

    /// `{fallback, items: [{item_id, novelty, reason, relevance, score}], model_version, novelty, user_id?}`,
    /// keys sorted like every other answer; written directly, since this is the hottest response.
    static func body(_ ranking: NoveltyReranker.Ranking, user: String?, items: Vocabulary, version: String, fallback: Bool) -> JSONWriter {
        var json = JSONWriter()
        json.beginObject()
        json.key("fallback")
        json.bool(fallback)
        json.key("items")
        json.beginArray()
        for ranked in ranking.items {
            json.beginObject()
            json.key("item_id")
            json.string(items.id(at: ranked.item))
            json.key("novelty")
            json.number(ranked.novelty)
            json.key("reason")
            json.string(reason(ranked, fallback: fallback))
            json.key("relevance")
            json.number(ranked.relevance)
            json.key("score")
            json.number(Double(ranked.score))
            json.endObject()
        }
        json.endArray()
        json.key("model_version")
        json.string(version)
        json.key("novelty")
        json.number(ranking.meanNovelty)
        if let user {
            json.key("user_id")
            json.string(user)
        }
        json.endObject()
        return json
    }

    /// The best `candidatePoolSize` of a ranked list once `excluded` items are dropped; nil when
    /// too few remain to be sure they are the best of the whole catalogue (a cached list holds
    /// only the top `cachedPoolSize`, unless the catalogue had no more to give).
    static func pool(from ranked: [NoveltyReranker.Candidate], excluding excluded: Set<Int32>) -> [NoveltyReranker.Candidate]? {
        let kept = Array(ranked.lazy.filter { !excluded.contains($0.item) }.prefix(candidatePoolSize))
        guard kept.count == candidatePoolSize || ranked.count < cachedPoolSize else { return nil }
        return kept
    }

    /// Scores the whole catalogue (the model, or live popularity for the fallback), drops seen
    /// items and those outside `category`, and ranks the top; the request-independent top
    /// `cachedPoolSize` goes to the cache under `cacheKey`.
    private func freshPool(
        model: ServingModel, history: [Int32], useModel: Bool, category: String?, excluded: Set<Int32>,
        cacheKey: CandidateCache.Key?, service: RecommendationService
    ) -> [NoveltyReranker.Candidate] {
        var scores = useModel ? [Float](repeating: 0, count: model.items.count) : service.popularity.scores(for: model.items, key: model.version)
        scores.withUnsafeMutableBufferPointer { buffer in
            if useModel, let recommender = model.model { recommender.score(history: history[...], into: buffer) }
            if let category { service.catalogue.restrict(buffer, items: model.items, to: [category]) }
        }
        let ranked = scores.withUnsafeMutableBufferPointer { Self.rank($0, history: history, count: Self.cachedPoolSize + excluded.count) }
        if let cacheKey { service.candidates.store(Array(ranked.prefix(Self.cachedPoolSize)), for: cacheKey) }
        return Array(ranked.lazy.filter { !excluded.contains($0.item) }.prefix(Self.candidatePoolSize))
    }

    /// The best `count` items of one user's scores, the history's items removed.
    static func rank(_ scores: UnsafeMutableBufferPointer<Float>, history: [Int32], count: Int) -> [NoveltyReranker.Candidate] {
        for item in history { scores[Int(item)] = -.infinity }
        return TopKSelector.select(UnsafeBufferPointer(scores), k: count).map { NoveltyReranker.Candidate(item: $0, relevance: scores[Int($0)]) }
    }

    static func reason(_ item: NoveltyReranker.RankedItem, fallback: Bool) -> String {
        if fallback { return item.novelty >= 0.6 ? "less-known pick among popular items" : "popular with shoppers" }
        if item.novelty >= 0.6 { return "new to you and off the beaten path, fits your recent items" }
        return item.relevance >= 0.8 ? "strongly matches your recent items" : "matches your recent items"
    }
}
