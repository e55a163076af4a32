import NovarecCore
import NovarecHTTP

/// `GET /v1/items/{item_id}/similar?k=10`: the items closest to one item, for "more like this"
/// shelves on product pages. With a trained model: cosine similarity of the model's item
/// embeddings. Without one (or for an item the model does not know yet): the most popular items
/// sharing a category with it, marked `fallback`. The item itself and unavailable items are
/// never returned.
struct SimilarItemsEndpoint: Sendable {
    struct Item: Encodable {
        let itemID: String
        /// Cosine similarity in [-1, 1]; nil on the popularity fallback.
        let similarity: Double?

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", similarity
        }
    }

    struct Answer: Encodable {
        let itemID: String
        let items: [Item]
        let modelVersion: String
        let fallback: Bool

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", items, modelVersion = "model_version", fallback
        }
    }

    func respond(_ request: HTTPRequest, service: RecommendationService) throws -> HTTPResponse {
        let id = request.pathParameters["item_id"] ?? ""
        let k = try RequestValidation.integer(request, "k", default: 10, range: 1...100)
        let model = service.model
        let index = model.items.index(of: id)
        let record = service.catalogue.item(id)
        guard index != nil || record != nil else {
            throw ProblemDetails(status: .notFound, title: "Unknown item", detail: "no item '\(id)' in the catalogue or the model")
        }
        let useModel = index != nil && !model.similarity.isEmpty
        var scores = if let index, useModel {
            model.similarity.similarities(to: index)
        } else {
            service.popularity.scores(for: model.items, key: model.version)
        }
        scores.withUnsafeMutableBufferPointer { buffer in
            if let index { buffer[Int(index)] = -.infinity }
            for item in service.catalogue.unavailable(in: model.items) { buffer[Int(item)] = -.infinity }
            if !useModel, let categories = record?.categories, !categories.isEmpty {
                service.catalogue.restrict(buffer, items: model.items, to: categories)
            }
        }
        let top = scores.withUnsafeBufferPointer { TopKSelector.select($0, k: k) }
        let items = top.map { Item(itemID: model.items.id(at: $0), similarity: useModel ? Double(scores[Int($0)]) : nil) }
        return try .json(Answer(itemID: id, items: items, modelVersion: model.version, fallback: !useModel))
    }
}
