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

    /// Whether a `Host` value (`name`, `name:port`, `[v6]:port`) names a loopback host. Read as
    /// ASCII bytes: it runs on every request, and no loopback name has anything else in it.
    static func isLoopback(authority: String) -> Bool {
        guard let host = hostPart(of: Array(authority.utf8)) else { return false }
        return equalsIgnoringASCIICase(host, "localhost") || host.elementsEqual("[::1]".utf8) || isLoopbackIPv4(host)
    }

    /// The host of `host[:port]`; nil when the port is not 1 to 5 digits.
    private static func hostPart(of authority: [UInt8]) -> ArraySlice<UInt8>? {
        let closing = authority.first == UInt8(ascii: "[") ? authority.firstIndex(of: UInt8(ascii: "]")).map { $0 + 1 } : nil
        let searchStart = closing ?? 0
        guard let colon = authority[searchStart...].firstIndex(of: UInt8(ascii: ":")) else { return authority[...] }
        let port = authority[(colon + 1)...]
        guard (1...5).contains(port.count), port.allSatisfy(ASCII.isDigit) else { return nil }
        return authority[..<colon]
    }

    private static func isLoopbackIPv4(_ host: ArraySlice<UInt8>) -> Bool {
        let parts = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(ASCII.isDigit) && value(of: $0) <= 255 }) else {
            return false
        }
        return parts[0].elementsEqual("127".utf8)
    }

    private static func value(of digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func equalsIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ lowercase: String) -> Bool {
        bytes.count == lowercase.utf8.count
            && zip(bytes, lowercase.utf8).allSatisfy { ASCII.lowercase($0) == $1 }
    }
}
