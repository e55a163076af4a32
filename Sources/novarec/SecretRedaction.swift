import Foundation

/// Keeps the database password out of everything the process prints: the "Options from the
/// environment" line shows `DATABASE_URL=postgresql://user:***@host/db`, and errors from libpq —
/// which echoes parts of a malformed connection string, e.g. `invalid percent-encoded token:
/// "<password>"` — are scrubbed of the password before they are shown. (API keys never reach a
/// message: they are read from files or `NOVAREC_*_KEYS`, which are never echoed.)
enum SecretRedaction {
    static let mask = "***"

    /// `connection` (a libpq URL or `key=value` string) with its password masked.
    static func connectionString(_ connection: String) -> String {
        scrub(connection, secrets: passwords(in: connection))
    }

    /// `message` with every occurrence of each secret masked.
    static func scrub(_ message: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }.reduce(message) { text, secret in
            text.replacingOccurrences(of: secret, with: mask)
        }
    }

    /// Every password a libpq connection string carries, as written and percent-decoded: a URL's
    /// `user:password@`, its `?password=` parameter, or a `password=` keyword (quoted or not).
    static func passwords(in connection: String) -> [String] {
        var found = urlUserInfoPassword(connection).map { [$0] } ?? []
        for match in connection.matches(of: /[?&]password=([^&#]*)/) { found.append(String(match.1)) }
        for match in connection.matches(of: /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/) {
            let value = String(match.1)
            found += [value, value.hasPrefix("'") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value]
        }
        return Array(Set(found + found.compactMap(\.removingPercentEncoding))).filter { !$0.isEmpty }
    }

    /// The password of `scheme://user:password@host…`, nil when there is none.
    private static func urlUserInfoPassword(_ connection: String) -> String? {
        guard let schemeEnd = connection.range(of: "://") else { return nil }
        let rest = connection[schemeEnd.upperBound...]
        let authority = rest[..<(rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex)]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        return String(authority[authority.index(after: colon)..<at])
    }
}
