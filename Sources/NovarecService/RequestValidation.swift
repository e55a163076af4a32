import NovarecHTTP

/// Field validation that answers with a problem naming the field: 400 for a parameter out of
/// its documented range or a malformed body, 422 for a well-formed value the server will not
/// accept (an id it cannot store, a limit of this deployment).
enum RequestValidation {
    static func invalid(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(status: .badRequest, title: "Invalid request", detail: "\(field): \(detail)", extensions: ["field": field])
    }

    static func unacceptable(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(status: .unprocessableContent, title: "Invalid field", detail: "\(field): \(detail)", extensions: ["field": field])
    }

    /// True for text PostgreSQL can store: no NUL characters, within `limit` characters
    /// (Unicode code points, as JSON Schema's `maxLength` counts: a grapheme cluster can hold
    /// any number of them).
    static func isStorableText(_ text: String, limit: Int, allowEmpty: Bool = false) -> Bool {
        (allowEmpty || !text.isEmpty) && text.unicodeScalars.count <= limit && !text.unicodeScalars.contains("\u{0}")
    }

    /// The value of query parameter `name`, which takes one: nil when absent, 400 when repeated
    /// (a proxy and this server could each read another of the values).
    static func single(_ request: HTTPRequest, _ name: String) throws -> String? {
        guard let values = request.query[name] else { return nil }
        guard values.count == 1 else { throw invalid(name, "may be given once, got it \(values.count) times") }
        return values[0]
    }

    /// Every comma-separated piece of every value of query parameter `name` (`a,b` and
    /// `name=a&name=b` alike); an empty value names none, an empty piece in a list is kept (for
    /// the id check to refuse).
    static func list(_ request: HTTPRequest, _ name: String) -> [String] {
        (request.query[name] ?? []).flatMap { value in
            value.isEmpty ? [] : value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func integer(_ request: HTTPRequest, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = try single(request, name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw invalid(name, "must be an integer between \(range.lowerBound) and \(range.upperBound), got '\(text)'")
        }
        return number
    }

    static func boolean(_ request: HTTPRequest, _ name: String, default value: Bool) throws -> Bool {
        guard let text = try single(request, name) else { return value }
        guard let flag = ["true": true, "false": false][text] else { throw invalid(name, "must be true or false, got '\(text)'") }
        return flag
    }

    static func fraction(_ request: HTTPRequest, _ name: String) throws -> Double {
        guard let text = try single(request, name) else { return 0 }
        guard let number = Double(text), (0...1).contains(number) else {
            throw invalid(name, "must be a number between 0 and 1, got '\(text)'")
        }
        return number
    }
}
