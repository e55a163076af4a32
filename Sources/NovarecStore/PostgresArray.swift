/// Encodes values as PostgreSQL array literals (`{"a","b",NULL}`), so a whole batch travels as
/// a handful of bound parameters to one `unnest` statement.
enum PostgresArray {
    static func literal(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        }.joined(separator: ",") + "}"
    }
}
