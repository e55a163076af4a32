import NovarecHTTP

/// `GET /v1/items/{item_id}/similar?k=10`: "more like this" shelves on product pages; the
/// engine's `similar` as JSON.
struct SimilarItemsEndpoint: Sendable {
    struct Item: Encodable {
        let itemID: String
        let similarity: Double?

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", similarity
        }
    }

    struct Answer: Encodable {
        let itemID: String
        let items: [Item]
        let modelVersion: String
        let basis: String
        let fallback: Bool

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", items, modelVersion = "model_version", basis, fallback
        }
    }

    func respond(_ request: HTTPRequest, engine: RecommendationEngine) throws -> HTTPResponse {
        let id = try IdentifierRule.requireID(request.pathParameters["item_id"] ?? "", field: "item_id")
        let k = try RequestValidation.integer(request, "k", default: 10, range: 1...100)
        let similar: SimilarItems
        do {
            similar = try engine.similar(to: id, k: k)
        } catch {
            throw error.problem
        }
        return try .json(
            Answer(
                itemID: similar.itemID, items: similar.items.map { Item(itemID: $0.itemID, similarity: $0.similarity) },
                modelVersion: similar.modelVersion, basis: similar.basis.rawValue, fallback: similar.fallback))
    }
}
