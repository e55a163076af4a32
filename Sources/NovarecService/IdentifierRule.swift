import NovarecHTTP

/// What a user, item or event id — and a category name — may be, checked at the HTTP edge so a
/// bad one is a precise 422 naming the field instead of a surprise further in. Ids are bounded in
/// UTF-8 bytes (what PostgreSQL stores and a client's buffers measure), not in characters, and no
/// text the service stores under a name may hold a C0 control character (U+0000–U+001F) or DEL
/// (U+007F): NUL cannot be stored at all, the others corrupt logs and COPY text, and U+001F is
/// the separator `ItemStore` joins an item's categories with.
enum IdentifierRule {
    /// The most UTF-8 bytes of a user, item or event id.
    static let maxIDBytes = 256
    /// The most characters of one category name (as before ids were bounded in bytes).
    static let maxCategoryCharacters = 200

    /// Why `text` is not a valid id, or nil when it is.
    static func idViolation(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        let bytes = text.utf8.count
        if bytes > maxIDBytes { return "must be at most \(maxIDBytes) UTF-8 bytes, got \(bytes)" }
        return controlCharacterViolation(text)
    }

    /// Why `text` is not a valid category name, or nil when it is.
    static func categoryViolation(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        let characters = text.unicodeScalars.count  // code points, as JSON Schema counts
        if characters > maxCategoryCharacters { return "must be at most \(maxCategoryCharacters) characters, got \(characters)" }
        return controlCharacterViolation(text)
    }

    /// `text` when it is a valid id; otherwise throws a 422 problem naming `field`.
    @discardableResult
    static func requireID(_ text: String, field: String) throws -> String {
        if let violation = idViolation(text) { throw RequestValidation.unacceptable(field, violation) }
        return text
    }

    /// Every element of `ids` is a valid id (at most `maxCount` of them); throws a 422 problem
    /// naming the list, or the first bad element as `field[index]`.
    static func requireIDs(_ ids: [String], field: String, maxCount: Int) throws {
        guard ids.count <= maxCount else { throw RequestValidation.unacceptable(field, "must hold at most \(maxCount) ids, got \(ids.count)") }
        for (index, id) in ids.enumerated() { try requireID(id, field: "\(field)[\(index)]") }
    }

    /// `name` when it is a valid category; otherwise throws a 422 problem naming `field`.
    @discardableResult
    static func requireCategory(_ name: String, field: String) throws -> String {
        if let violation = categoryViolation(name) { throw RequestValidation.unacceptable(field, violation) }
        return name
    }

    private static func controlCharacterViolation(_ text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "must not contain control characters (U+0000–U+001F, U+007F); found U+\(String(repeating: "0", count: 4 - code.count))\(code)"
    }
}
