import Foundation
import NovarecHTTP

/// Bearer-key authorisation for writes and admin: `Authorization: Bearer <key>` must match one of
/// the configured keys, compared in constant time; keys are never logged. With no keys
/// configured every request is allowed (the server then listens on loopback only).
public struct APIKeys: Sendable {
    private let keys: [[UInt8]]

    public init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Keys from a file (one per line, `#` comments) or a comma-separated list.
    public static func load(file: String?, list: String?) throws -> APIKeys {
        var keys: [String] = []
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw APIKeysError(description: "cannot read API keys file \(file)")
            }
            keys += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if let list { keys += list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return APIKeys(keys)
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// Throws 401 problem details unless the request carries a configured key.
    public func authorize(_ request: HTTPRequest) throws {
        guard !keys.isEmpty else { return }
        let header = request.headers["Authorization"] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix) else {
            throw ProblemDetails(status: HTTPStatus(401), title: "Unauthorized", detail: "this endpoint needs 'Authorization: Bearer <key>'")
        }
        let presented = Array(header.dropFirst(prefix.count).utf8)
        guard keys.reduce(false, { $0 || APIKeys.constantTimeEqual($1, presented) }) else {
            throw ProblemDetails(status: HTTPStatus(401), title: "Unauthorized", detail: "the bearer key is not valid")
        }
    }

    /// Compares without an early exit, so timing does not reveal how much of a key matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// A key file that cannot be read.
public struct APIKeysError: Error, CustomStringConvertible {
    public let description: String
}
