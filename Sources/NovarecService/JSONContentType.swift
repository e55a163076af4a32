import Foundation
import NovarecHTTP

/// Writes with a body must say they send JSON: `Content-Type: application/json`, optionally with
/// `charset=utf-8` (any case, RFC 9110 §8.3.1). Anything else — a form post a browser may send
/// cross-site without a preflight, `text/plain`, no type at all — is 415 before the body is read,
/// so the JSON parser never guesses at what it was given.
enum JSONContentType {
    private static let bodyMethods: Set<HTTPMethod> = [.post, .put, .patch, .delete]

    /// A router gate: refuses a POST, PUT, PATCH or DELETE that declares a body of another type.
    static func require(_ request: HTTPRequest) throws {
        guard bodyMethods.contains(request.method), declaresBody(request), !isJSON(request.headers["Content-Type"]) else { return }
        let given = request.headers["Content-Type"].map { "'\($0)'" } ?? "none"
        throw ProblemDetails(
            status: .unsupportedMediaType,
            detail: "the body must be sent as 'Content-Type: application/json' (optionally '; charset=utf-8'), got \(given)")
    }

    /// A chunked body, or a declared length above zero.
    private static func declaresBody(_ request: HTTPRequest) -> Bool {
        request.headers.contains("Transfer-Encoding") || (request.headers["Content-Length"].flatMap { Int($0) } ?? 0) > 0
    }

    static func isJSON(_ value: String?) -> Bool {
        guard let value else { return false }
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { ["charset=utf-8", "charset=\"utf-8\""].contains($0.replacingOccurrences(of: " ", with: "")) }
    }
}
