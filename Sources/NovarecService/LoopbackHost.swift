import NovarecHTTP

/// The DNS-rebinding guard: a server that listens on loopback only trusts that only this machine
/// can reach it, but a web page can point a name it controls at 127.0.0.1 and let the visitor's
/// browser call the API. Such requests carry the page's host name, so on a loopback listener the
/// `Host` header must name a loopback host (`localhost`, an address in 127.0.0.0/8 or `[::1]`,
/// each with an optional port); anything else is 421 Misdirected Request — this server is not
/// the one that name should reach (RFC 9110 §15.5.20). The decision rests on the address the
/// server actually bound, never on the `--host` text.
enum LoopbackHost {
    /// A router gate for every route.
    static func require(_ request: HTTPRequest) throws {
        guard request.listenerIsLoopback, let host = request.headers["Host"], !isLoopback(authority: host) else { return }
        throw ProblemDetails(
            status: .misdirectedRequest,
            detail:
                "this server listens on a loopback address only: the Host header must name localhost, 127.0.0.1 or [::1] (with an optional port), not '\(host)'"
        )
    }

    /// Whether a `Host` value (`name`, `name:port`, `[v6]:port`) names a loopback host.
    static func isLoopback(authority: String) -> Bool {
        guard let host = hostPart(of: authority.lowercased()) else { return false }
        return host == "localhost" || host == "[::1]" || isLoopbackIPv4(host)
    }

    /// The host of `host[:port]`; nil when the port is not 1 to 5 digits.
    private static func hostPart(of authority: String) -> Substring? {
        let closing = authority.hasPrefix("[") ? authority.firstIndex(of: "]").map { authority.index(after: $0) } : nil
        let searchStart = closing ?? authority.startIndex
        guard let colon = authority[searchStart...].firstIndex(of: ":") else { return authority[...] }
        let port = authority[authority.index(after: colon)...]
        guard (1...5).contains(port.count), port.allSatisfy(\.isASCIIDigit) else { return nil }
        return authority[..<colon]
    }

    private static func isLoopbackIPv4(_ host: Substring) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 }) else {
            return false
        }
        return parts[0] == "127"
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
