import Foundation
import NovarecHTTP
import NovarecStore

/// `PUT /v1/items/{item_id}`, `POST /v1/items` (batch of up to 1,000) and `GET /v1/items/{item_id}`:
/// items are validated, stored in one transaction, then visible to the recommendation filters
/// and handed to the text encoder (in the background; `text_vector` says when it is ready).
struct ItemsEndpoint: Sendable {
    let catalogue: Catalogue
    let store: ItemStore
    let itemText: ItemTextIndex
    let embedder: ItemEmbedder?

    /// An item as answered: its record and whether its text vector is ready.
    struct Answer: Encodable {
        let record: ItemRecord
        let textVector: ItemTextIndex.Status

        enum CodingKeys: String, CodingKey {
            case textVector = "text_vector"
        }

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(textVector.rawValue, forKey: .textVector)
        }
    }

    struct Fields: Decodable {
        let itemID: String?
        let title: String?
        let description: String?
        let categories: [String]?
        let available: Bool?

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", title, description, categories, available
        }
    }

    struct Batch: Decodable {
        let items: [Fields]
    }

    func put(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameters["item_id"] ?? ""
        let fields: Fields
        do { fields = try request.decodeJSON(Fields.self) } catch {
            throw RequestValidation.invalid("body", "must be a JSON object {title, description?, categories?, available?}")
        }
        if let bodyID = fields.itemID, bodyID != id { throw RequestValidation.invalid("item_id", "the body's item_id differs from the path") }
        let record = try Self.record(id: id, fields, field: "")
        let newText = needingVectors([record])
        try store.upsert([record])
        catalogue.update([record])
        embedder?.enqueue(newText)
        return try .json(Answer(record: record, textVector: itemText.status(of: id)))
    }

    func post(_ request: HTTPRequest) throws -> HTTPResponse {
        let batch: Batch
        do { batch = try request.decodeJSON(Batch.self) } catch {
            throw RequestValidation.invalid("items", "the body must be a JSON object with an 'items' array of objects")
        }
        guard (1...1_000).contains(batch.items.count) else { throw RequestValidation.invalid("items", "must hold 1 to 1000 items") }
        let parsed = try batch.items.enumerated().map { index, fields in
            try Self.record(id: fields.itemID ?? "", fields, field: "items[\(index)].")
        }
        // A repeated id in one batch: the last one wins (one statement cannot upsert a row twice).
        let lastIndex = Dictionary(parsed.enumerated().map { ($1.itemID, $0) }, uniquingKeysWith: { $1 })
        let records = parsed.enumerated().filter { lastIndex[$1.itemID] == $0 }.map(\.element)
        let newText = needingVectors(records)
        try store.upsert(records)
        catalogue.update(records)
        embedder?.enqueue(newText)
        return try .json(["stored": records.count])
    }

    func get(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try IdentifierRule.requireID(request.pathParameters["item_id"] ?? "", field: "item_id")
        guard let record = catalogue.item(id) else {
            throw ProblemDetails(status: .notFound, title: "Unknown item", detail: "no item '\(id)'")
        }
        return try .json(Answer(record: record, textVector: itemText.status(of: id)))
    }

    /// The records whose text differs from the catalogue's (the store keeps the vector of an
    /// unchanged text), or whose item has no vector yet.
    private func needingVectors(_ records: [ItemRecord]) -> [ItemRecord] {
        guard embedder != nil else { return [] }
        return records.filter { record in
            let previous = catalogue.item(record.itemID).map(ItemEmbedder.text)
            return previous != ItemEmbedder.text(of: record) || itemText.status(of: record.itemID) == .missing
        }
    }

    private static func record(id: String, _ fields: Fields, field prefix: String) throws -> ItemRecord {
        try IdentifierRule.requireID(id, field: "\(prefix)item_id")
        guard let title = fields.title, RequestValidation.isStorableText(title, limit: 1_000) else {
            throw RequestValidation.invalid("\(prefix)title", "is required (1 to 1000 characters, no NUL)")
        }
        let categories = fields.categories ?? []
        guard categories.count <= 50 else { throw RequestValidation.invalid("\(prefix)categories", "at most 50 categories") }
        for (index, category) in categories.enumerated() { try IdentifierRule.requireCategory(category, field: "\(prefix)categories[\(index)]") }
        guard RequestValidation.isStorableText(fields.description ?? "", limit: 20_000, allowEmpty: true) else {
            throw RequestValidation.invalid("\(prefix)description", "at most 20000 characters, no NUL")
        }
        return ItemRecord(itemID: id, title: title, description: fields.description ?? "", categories: categories, available: fields.available ?? true)
    }
}
