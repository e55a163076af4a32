import Foundation

/// A catalogue item as stored: what a shopper reads, and whether it may be recommended.
public struct ItemRecord: Sendable, Equatable, Codable {
    public let itemID: String
    public let title: String
    public let description: String
    public let categories: [String]
    public let available: Bool

    public init(itemID: String, title: String, description: String = "", categories: [String] = [], available: Bool = true) {
        self.itemID = itemID
        self.title = title
        self.description = description
        self.categories = categories
        self.available = available
    }

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id", title, description, categories, available
    }
}

/// The item catalogue in PostgreSQL: batch upserts in one statement and transaction.
public struct ItemStore: Sendable {
    public let database: any PostgresClient
    /// Joins an item's categories into one text value for `unnest` (arrays of arrays do not unnest).
    static let separator = "\u{1F}"

    public init(database: any PostgresClient) {
        self.database = database
    }

    /// Inserts or replaces `items` atomically.
    public func upsert(_ items: [ItemRecord]) throws {
        guard !items.isEmpty else { return }
        let parameters: [String?] = [
            PostgresArray.literal(items.map(\.itemID)), PostgresArray.literal(items.map(\.title)),
            PostgresArray.literal(items.map(\.description)),
            PostgresArray.literal(items.map { $0.categories.joined(separator: Self.separator) }),
            PostgresArray.literal(items.map { $0.available ? "true" : "false" })
        ]
        try database.transaction { transaction in
            try transaction.query(
                """
                INSERT INTO items (item_id, title, description, categories, available, updated_at)
                SELECT i, t, d, CASE WHEN c = '' THEN '{}'::text[] ELSE string_to_array(c, chr(31)) END, a, now()
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS x(i, t, d, c, a)
                ON CONFLICT (item_id) DO UPDATE SET \(Self.replacement)
                """, parameters)
        }
    }

    /// Bulk-loads `items` in one transaction (`COPY` into a temporary table, then one upsert;
    /// the last record of a repeated id wins). With `keepExisting` an item already stored keeps
    /// its record (an import only adds what is missing); otherwise it is replaced.
    public func bulkUpsert(_ items: [ItemRecord], keepExisting: Bool = false) throws {
        var text = ""
        for item in items {
            let categories = PostgresArray.literal(item.categories)
            text += "\(CopyText.escape(item.itemID))\t\(CopyText.escape(item.title))\t\(CopyText.escape(item.description))\t"
            text += "\(CopyText.escape(categories))\t\(item.available ? "t" : "f")\n"
        }
        let conflict =
            keepExisting
            ? "DO NOTHING"
            : "DO UPDATE SET \(Self.replacement)"
        try database.transaction { transaction in
            try transaction.query(
                """
                CREATE TEMPORARY TABLE import_items (n bigserial, item_id text, title text, description text, categories text[], available boolean)
                ON COMMIT DROP
                """)
            try transaction.copyIn("COPY import_items (item_id, title, description, categories, available) FROM STDIN", data: Data(text.utf8))
            try transaction.query(
                """
                INSERT INTO items (item_id, title, description, categories, available, updated_at)
                SELECT DISTINCT ON (item_id) item_id, title, description, categories, available, now()
                FROM import_items ORDER BY item_id, n DESC
                ON CONFLICT (item_id) \(conflict)
                """)
        }
    }

    /// What an upsert sets on a stored item: every field; its text vector is kept only while
    /// the text it was computed from (title, description, categories) stays the same.
    static let replacement = """
        title = excluded.title, description = excluded.description, categories = excluded.categories,
            available = excluded.available, updated_at = now(),
            text_vector = CASE WHEN (items.title, items.description, items.categories)
                IS NOT DISTINCT FROM (excluded.title, excluded.description, excluded.categories) THEN items.text_vector END,
            text_model = CASE WHEN (items.title, items.description, items.categories)
                IS NOT DISTINCT FROM (excluded.title, excluded.description, excluded.categories) THEN items.text_model END
        """

    public func item(_ id: String) throws -> ItemRecord? {
        try records(where: "WHERE item_id = $1", [id]).first
    }

    /// The whole catalogue.
    public func all() throws -> [ItemRecord] { try records(where: "", []) }

    func records(where clause: String, _ parameters: [String?], order: String = "ORDER BY item_id") throws -> [ItemRecord] {
        let result = try database.query(
            "SELECT item_id, title, description, array_to_string(categories, chr(31)), available FROM items \(clause) \(order)",
            parameters)
        return result.rows.map { row in
            let categories = row[3].map { $0.isEmpty ? [] : $0.components(separatedBy: Self.separator) } ?? []
            return ItemRecord(itemID: row[0] ?? "", title: row[1] ?? "", description: row[2] ?? "", categories: categories, available: row[4] == "t")
        }
    }
}
