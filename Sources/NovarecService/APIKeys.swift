import Foundation
import NovarecHTTP

/// Bearer-key authorisation in scopes, so a storefront's read key cannot write events and a
/// write key need not open the model lifecycle. `Authorization: Bearer <key>` (the scheme in any
/// case, RFC 9110 §11.1) is compared in constant time against every configured key; keys are
/// never logged. Which keys a scope takes, so that a deployment with write keys only keeps
/// working as before:
///
/// | scope | endpoints | keys accepted |
/// |---|---|---|
/// | `read` | recommendations, item reads, similar items | read, write or admin keys once read keys are configured; open otherwise |
/// | `write` | events, item writes | write or admin keys once either is configured; open otherwise |
/// | `admin` | `/v1/admin/*` | admin keys once configured, else write keys once configured; open otherwise |
/// | `monitoring` | `/metrics`, `/v1/model` | admin keys once configured; open otherwise (scrapers keep working) |
///
/// No key at all, an unknown key or another scheme is 401 (with `WWW-Authenticate`); a known
/// key outside the scope is 403. With writes open the server must listen on loopback only
/// (`checkListening`).
public struct APIKeys: Sendable {
    /// What an endpoint needs.
    public enum Scope: String, Sendable {
        case read, write, admin, monitoring
    }

    private let read: KeySet
    private let write: KeySet
    private let admin: KeySet

    /// Write-scope keys only (what `--api-keys-file` has always configured).
    public init(_ writeKeys: [String]) {
        self.init(write: writeKeys)
    }

    public init(write: [String] = [], read: [String] = [], admin: [String] = []) {
        self.read = KeySet(read)
        self.write = KeySet(write)
        self.admin = KeySet(admin)
    }

    /// Where keys come from: for each scope a file (one key per line, `#` comments) and a
    /// comma-separated list (from the environment: `NOVAREC_API_KEYS` for writes,
    /// `NOVAREC_READ_KEYS`, `NOVAREC_ADMIN_KEYS`).
    public struct Sources: Sendable {
        public var writeFile: String?
        public var readFile: String?
        public var adminFile: String?
        public var environment: [String: String]

        public init(writeFile: String? = nil, readFile: String? = nil, adminFile: String? = nil, environment: [String: String] = [:]) {
            self.writeFile = writeFile
            self.readFile = readFile
            self.adminFile = adminFile
            self.environment = environment
        }
    }

    public static func load(_ sources: Sources) throws -> APIKeys {
        try APIKeys(
            write: keys(file: sources.writeFile, list: sources.environment["NOVAREC_API_KEYS"]),
            read: keys(file: sources.readFile, list: sources.environment["NOVAREC_READ_KEYS"]),
            admin: keys(file: sources.adminFile, list: sources.environment["NOVAREC_ADMIN_KEYS"]))
    }

    /// Keys from a file (one per line, `#` comments) and a comma-separated list.
    private static func keys(file: String?, list: String?) throws -> [String] {
        var keys: [String] = []
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw APIKeysError(description: "cannot read API keys file \(file)")
            }
            keys += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if let list { keys += list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return keys
    }

    /// Whether writes are open to anyone who can connect.
    public var writesAreOpen: Bool { write.isEmpty && admin.isEmpty }

    /// Refuses to serve open writes on an address other machines can reach; decided on the
    /// address actually bound (`--host localhost` may bind anything the resolver says).
    public func checkListening(on address: BoundAddress) throws {
        guard writesAreOpen, !address.isLoopback else { return }
        throw APIKeysError(description: "\(address) is not a loopback address: configure write keys (--api-keys-file or NOVAREC_API_KEYS) first")
    }

    /// The key sets `scope` accepts; nil when it is open.
    private func accepted(for scope: Scope) -> [KeySet]? {
        let sets: [KeySet] =
            switch scope {
            case .read: read.isEmpty ? [] : [read, write, admin]
            case .write: [write, admin]
            case .admin: admin.isEmpty ? [write] : [admin]
            case .monitoring: [admin]
            }
        return sets.allSatisfy(\.isEmpty) ? nil : sets
    }

    /// Throws 401 problem details unless the request carries a key `scope` accepts (403 for a
    /// valid key of another scope).
    public func authorize(_ request: HTTPRequest, for scope: Scope) throws {
        guard let accepted = accepted(for: scope) else { return }
        guard let presented = Self.bearerCredentials(request.headers["Authorization"]) else {
            throw Self.unauthorized("this endpoint needs 'Authorization: Bearer <key>'")
        }
        let matches = [read, write, admin].map { $0.contains(presented) }
        guard matches.contains(true) else { throw Self.unauthorized("the bearer key is not valid") }
        guard accepted.contains(where: { $0.contains(presented) }) else {
            throw ProblemDetails(
                status: HTTPStatus(403), title: "Forbidden", detail: "this key may not call this endpoint (it needs a key of scope '\(scope.rawValue)')")
        }
    }

    /// The credentials of a `Bearer` authorization (scheme compared case-insensitively, one or
    /// more spaces before them); nil for any other scheme or none.
    static func bearerCredentials(_ header: String?) -> [UInt8]? {
        guard let header, let space = header.firstIndex(of: " ") else { return nil }
        guard header[..<space].lowercased() == "bearer" else { return nil }
        let credentials = header[space...].trimmingCharacters(in: .whitespaces)
        return credentials.isEmpty ? nil : Array(credentials.utf8)
    }

    private static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(status: HTTPStatus(401), title: "Unauthorized", detail: detail, headers: ["WWW-Authenticate": #"Bearer realm="novarec""#])
    }

    /// Compares without an early exit, so timing does not reveal how much of a key matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    /// The keys of one scope; membership is tested against every key without an early exit.
    private struct KeySet: Sendable {
        let keys: [[UInt8]]

        init(_ keys: [String]) {
            self.keys = keys.map { Array($0.utf8) }.filter { !$0.isEmpty }
        }

        var isEmpty: Bool { keys.isEmpty }

        func contains(_ presented: [UInt8]) -> Bool {
            keys.reduce(false) { APIKeys.constantTimeEqual($1, presented) || $0 }
        }
    }
}

/// A key file that cannot be read, or keys that do not fit where the server listens.
public struct APIKeysError: Error, CustomStringConvertible {
    public let description: String
}
