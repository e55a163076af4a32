import Foundation

/// Items' text vectors, stored with the item (`items.text_vector`, float32 little-endian, and
/// `items.text_model`, the encoder's name): computed once in the background after a write,
/// read back at start-up, and cleared whenever the item's text changes.
extension ItemStore {
    /// Stores `vector` for `item` if the stored item still has the text it was computed from
    /// (a newer write in between wins); returns whether it was stored.
    @discardableResult
    public func storeTextVector(_ vector: [Float], model: String, for item: ItemRecord) throws -> Bool {
        let bytes = vector.withUnsafeBufferPointer { Data(buffer: $0) }
        let result = try database.query(
            """
            UPDATE items SET text_vector = $2::bytea, text_model = $3
            WHERE item_id = $1 AND title = $4 AND description = $5 AND array_to_string(categories, chr(31)) = $6
            RETURNING item_id
            """,
            [item.itemID, ByteaHex.literal(bytes), model, item.title, item.description, item.categories.joined(separator: Self.separator)])
        return !result.rows.isEmpty
    }

    /// Every stored vector `model` computed, of `dimension` values.
    public func textVectors(model: String, dimension: Int) throws -> [(itemID: String, vector: [Float])] {
        let result = try database.query(
            "SELECT item_id, encode(text_vector, 'hex') FROM items WHERE text_model = $1 AND length(text_vector) = $2 ORDER BY item_id",
            [model, String(dimension * MemoryLayout<Float>.size)])
        return result.rows.compactMap { row in
            guard let id = row[0], let data = row[1].flatMap(ByteaHex.decode) else { return nil }
            let vector = data.withUnsafeBytes { raw in
                (0..<dimension).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Float>.size, as: Float.self) }
            }
            return (id, vector)
        }
    }

    /// Up to `limit` items with text but without a vector from `model` (oldest writes first).
    public func itemsWithoutTextVector(model: String, limit: Int) throws -> [ItemRecord] {
        try records(
            where: "WHERE (text_vector IS NULL OR text_model IS DISTINCT FROM $1) AND (title <> '' OR description <> '' OR cardinality(categories) > 0)",
            [model, String(limit)], order: "ORDER BY updated_at, item_id LIMIT $2")
    }
}
