import Foundation

/// A WordPiece vocabulary (BERT's `vocab.txt`: one token per line, the line number is its id),
/// looked up by exact UTF-8 bytes: Swift's `String` equality is canonical equivalence, which
/// would match a token the reference tokenizer does not.
public struct WordPieceVocabulary: Sendable {
    /// Tokens by id.
    public let tokens: [String]
    private let ids: [[UInt8]: Int32]
    /// The longest token in bytes: no longer candidate can match.
    let longestToken: Int

    public init(tokens: [String]) {
        self.tokens = tokens
        var ids: [[UInt8]: Int32] = [:]
        for (id, token) in tokens.enumerated() where ids[Array(token.utf8)] == nil { ids[Array(token.utf8)] = Int32(id) }
        self.ids = ids
        longestToken = tokens.map(\.utf8.count).max() ?? 0
    }

    /// Reads `vocab.txt` (LF or CRLF line ends; a final empty line is not a token).
    public init(contentsOf url: URL) throws(TextModelError) {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw TextModelError("cannot read vocabulary \(url.path) as UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty, lines.count <= Int(Int32.max) else { throw TextModelError("vocabulary \(url.path) is empty") }
        self.init(tokens: lines)
    }

    public var count: Int { tokens.count }

    /// The id of the token spelled by `bytes`, or nil.
    public func id(_ bytes: [UInt8]) -> Int32? { ids[bytes] }

    /// The id of `token`, or nil.
    public func id(of token: String) -> Int32? { ids[Array(token.utf8)] }
}
