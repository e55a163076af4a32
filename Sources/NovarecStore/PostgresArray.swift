/// Encodes values as PostgreSQL array literals (`{"a","b",NULL}`), so a whole batch travels as
/// a handful of bound parameters to one `unnest` statement.
enum PostgresArray {
    static func literal(_ values: [String?]) -> String {
        "{"
            + values.map { value in
                guard let value else { return "NULL" }
                return "\"" + escape(value) + "\""
            }.joined(separator: ",") + "}"
    }

    /// Backslash before every `"` and `\`, per Unicode scalar: a quote followed by a combining
    /// mark or an emoji modifier is one Character, which a Character match would miss.
    static func escape(_ value: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }
}
