import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// COPY text decoding is exact: every escape PostgreSQL's text format defines comes back as the
/// character it stands for, so no id changes between the database and memory.
struct CopyTextTests {
    /// Every control character PostgreSQL escapes on output, plus backslashes that look like escapes.
    static let awkward = "a\u{8}b\u{C}c\u{B}d\te\nf\\g\rh\\n\\x41é\u{1}"

    @Test func idsWithControlCharactersRoundTripThroughTheStore() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let users = [Self.awkward, "plain", "\\", "trailing\\"]
        let events = users.enumerated().map { index, user in
            BehaviourEvent(
                eventID: UUID(), userID: user, itemID: "item\u{B}\(index)\\t", kind: .view, value: nil,
                timestamp: Date(timeIntervalSince1970: Double(index)))
        }
        #expect(try store.insert(Array(events.prefix(2))).stored == 2, "parameters (the API path)")
        #expect(try store.bulkInsert(Array(events.dropFirst(2))).stored == 2, "COPY FROM (the import path)")
        let stored = try store.interactions()
        #expect(Set(stored.map(\.user)) == Set(users))
        #expect(Set(stored.map(\.item)) == Set(events.map(\.itemID)))
    }

    /// PostgreSQL's own output for the awkward value, decoded back to it.
    @Test func decodesWhatPostgreSQLWrites() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        let output = try connection.copyOut("COPY (SELECT \(Self.literal(Self.awkward))::text) TO STDOUT")
        let line = try #require(String(data: output, encoding: .utf8)?.dropLast())
        #expect(line.contains("\\b") && line.contains("\\f") && line.contains("\\v"), "PostgreSQL escapes them: \(line)")
        #expect(CopyText.unescape(line) == Self.awkward)
    }

    /// The input-side escapes PostgreSQL accepts (octal, hex, any other character literally), which
    /// its own output never uses but the format defines.
    @Test func decodesOctalHexAndLiteralEscapes() {
        #expect(CopyText.decode(Array(#"\101\x42\x4a\7z"#.utf8)) == "ABJ\u{7}z")
        #expect(CopyText.decode(Array(#"\303\251\xc3\xa9"#.utf8)) == "éé", "bytes of one character come as several escapes")
        #expect(CopyText.decode(Array(#"\1234"#.utf8)) == "S4", "at most three octal digits")
        #expect(CopyText.decode(Array(#"\x4G\xZ"#.utf8)) == "\u{4}GxZ", "one hex digit; \\x without one is a literal x")
        #expect(CopyText.decode(Array(#"\\\.\q\"#.utf8)) == #"\.q\"#, "other characters literally; a final backslash stays")
        #expect(CopyText.unescape(Substring(CopyText.escape(awkwardRoundTrip))) == awkwardRoundTrip)
    }

    private let awkwardRoundTrip = CopyTextTests.awkward + "\r\n\u{301}"

    /// A SQL literal for `value` with E'' escapes, so the test does not depend on the code under test.
    static func literal(_ value: String) -> String {
        "E'"
            + value.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\\": return "\\\\"
                case "'": return "''"
                case _ where scalar.value < 0x20: return "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: return String(scalar)
                }
            }.joined() + "'"
    }
}
