import NovarecCore
import NovarecHTTP
import NovarecRank

/// `GET /v1/recommendations?user_id=U&k=10&novelty=0.3&diversity=0.2&exclude=a,b`: scores the
/// catalogue from the user's history (or live popularity for an unknown user, marked `fallback`),
/// removes seen and excluded items, and re-ranks the top candidates with the dials.
struct RecommendationEndpoint: Sendable {
    static let candidatePoolSize = 200

    struct Item: Encodable {
        let itemID: String
        let score: Double
        let relevance: Double
        let novelty: Double
        let reason: String

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", score, relevance, novelty, reason
        }
    }

    struct Answer: Encodable {
        let userID: String
        let items: [Item]
        let modelVersion: String
        let novelty: Double
        let fallback: Bool

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", items, modelVersion = "model_version", novelty, fallback
        }
    }

    func respond(_ request: HTTPRequest, model: ServingModel, histories: UserHistories, popularity: LivePopularity) throws -> HTTPResponse {
        guard let user = request.queryValue("user_id"), !user.isEmpty, user.count <= 256 else {
            throw RequestValidation.invalid("user_id", "is required (1 to 256 characters)")
        }
        let k = try RequestValidation.integer(request, "k", default: 10, range: 1...100)
        let novelty = try RequestValidation.fraction(request, "novelty")
        let diversity = try RequestValidation.fraction(request, "diversity")
        let excluded = Set((request.queryValue("exclude") ?? "").split(separator: ",").compactMap { model.items.index(of: String($0)) })
        let history = (histories.history(of: user) ?? []).compactMap { model.items.index(of: $0) }
        let useModel = model.model != nil && !history.isEmpty
        var scores = useModel ? [Float](repeating: 0, count: model.items.count) : popularity.scores(for: model.items.ids)
        scores.withUnsafeMutableBufferPointer { buffer in
            if useModel, let recommender = model.model { recommender.score(history: ArraySlice(history), into: buffer) }
            for item in history { buffer[Int(item)] = -.infinity }
            for item in excluded { buffer[Int(item)] = -.infinity }
        }
        let pool = scores.withUnsafeBufferPointer { TopKSelector.select($0, k: Self.candidatePoolSize) }
        let ranking = model.reranker.rerank(pool.map { .init(item: $0, relevance: scores[Int($0)]) }, k: k, novelty: novelty, diversity: diversity)
        let items = ranking.items.map { ranked in
            Item(itemID: model.items.id(at: ranked.item), score: Double(scores[Int(ranked.item)]), relevance: ranked.relevance,
                 novelty: ranked.novelty, reason: Self.reason(ranked, fallback: !useModel))
        }
        return try .json(Answer(userID: user, items: items, modelVersion: model.version, novelty: ranking.meanNovelty, fallback: !useModel))
    }

    static func reason(_ item: NoveltyReranker.RankedItem, fallback: Bool) -> String {
        if fallback { return item.novelty >= 0.6 ? "less-known pick among popular items" : "popular with shoppers" }
        if item.novelty >= 0.6 { return "new to you and off the beaten path, fits your recent items" }
        return item.relevance >= 0.8 ? "strongly matches your recent items" : "matches your recent items"
    }
}
