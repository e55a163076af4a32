/// The parts of a request target (RFC 9112 §3.2): the raw path used for routing (so an encoded
/// `%2F` stays inside its segment), the decoded path, and the decoded query parameters.
struct RequestTarget: Sendable {
    let rawPath: String
    let path: String
    let query: [String: [String]]

    /// Accepts origin-form (`/p?q`) and absolute-form (`http://host/p?q`); nil for anything else
    /// or for a component that does not percent-decode.
    init?(_ target: UnsafeRawBufferPointer) {
        guard let pathStart = RequestTarget.pathStart(in: target) else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: target[pathStart...])
        let queryMark = rest.firstIndex(of: ASCII.question) ?? rest.endIndex
        let rawPathBytes = rest[..<queryMark]
        guard let path = PercentDecoding.decode(rawPathBytes) else { return nil }
        let queryBytes = queryMark < rest.endIndex ? rest[(queryMark + 1)...] : rest[rest.endIndex...]
        guard let query = PercentDecoding.parseQuery(queryBytes) else { return nil }
        self.rawPath = rawPathBytes.isEmpty ? "/" : String(decoding: rawPathBytes, as: UTF8.self)
        self.path = path.isEmpty ? "/" : path
        self.query = query
    }

    /// The offset of the path: 0 for origin-form, after the authority for absolute-form.
    private static func pathStart(in target: UnsafeRawBufferPointer) -> Int? {
        if target.first == ASCII.slash { return 0 }
        let schemes = ["http://", "https://"].map { Array($0.utf8) }
        let lowered = target.prefix(8).map(ASCII.lowercase)
        guard let scheme = schemes.first(where: { lowered.starts(with: $0) }) else { return nil }
        let authority = target[scheme.count...]
        guard let first = authority.first, first != ASCII.slash, first != ASCII.question else { return nil }
        return authority.firstIndex { $0 == ASCII.slash || $0 == ASCII.question } ?? target.endIndex
    }
}
