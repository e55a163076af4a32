import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// The row-by-row COPY reader gives exactly what reading the whole output and splitting it gave,
/// including ids with tabs, newlines, backslashes and control characters.
struct CopyStreamTests {
    static let ids = [CopyTextTests.awkward, "plain", "\\", "trailing\\", "tab\t\u{301}mark", "line\n\u{301}", "\u{1}\u{7F}\\N", "ü🛒\r\n", "\\x41\\101"]
    static let sql = "COPY (SELECT user_id, item_id, extract(epoch FROM ts) FROM events ORDER BY user_id, ts, id) TO STDOUT"

    /// How the whole output was parsed before rows streamed: split on newline bytes, then tabs.
    static func wholeOutputParse(_ data: Data) -> [[String]] {
        data.split(separator: UInt8(ascii: "\n")).map { line in
            line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { CopyText.unescape(String(decoding: $0, as: UTF8.self)[...]) }
        }
    }

    private func storeAwkwardEvents() throws -> EventStore {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let events = Self.ids.enumerated().flatMap { index, id in
            [
                BehaviourEvent(
                    eventID: UUID(), userID: id, itemID: Self.ids[(index + 1) % Self.ids.count], kind: .view,
                    timestamp: Date(timeIntervalSince1970: 1_700_000_000.25 + Double(index))),
                BehaviourEvent(
                    eventID: UUID(), userID: id, itemID: "item\u{B}\(index)\\t", kind: .purchase,
                    timestamp: Date(timeIntervalSince1970: 1_700_000_100 + Double(index)))
            ]
        }
        #expect(try store.insert(Array(events.prefix(8))).stored == 8, "parameters (the API path)")
        #expect(try store.bulkInsert(Array(events.dropFirst(8))).stored == events.count - 8, "COPY FROM (the import path)")
        return store
    }

    @Test func streamedRowsEqualTheWholeOutputParse() throws {
        let store = try storeAwkwardEvents()
        let (whole, streamed, calls) = try store.database.transaction { transaction in
            let whole = Self.wholeOutputParse(try transaction.copyOut(Self.sql))
            var streamed: [[String]] = []
            var calls = 0
            try transaction.copyOut(Self.sql) { row in
                calls += 1
                #expect(row.last == UInt8(ascii: "\n"), "one whole row per call")
                streamed.append(CopyText.fields(ofRow: row))
            }
            return (whole, streamed, calls)
        }
        #expect(whole.count == Self.ids.count * 2 && calls == whole.count)
        #expect(streamed == whole)
        #expect(Set(streamed.map { $0[0] }) == Set(Self.ids), "every id comes back as stored")
    }

    @Test func storedInteractionsStreamTheSameRowsInUserThenTimeOrder() throws {
        let store = try storeAwkwardEvents()
        let whole = try store.database.transaction { Self.wholeOutputParse(try $0.copyOut(Self.sql)) }
        let (rows, snapshot) = try store.storedInteractions().collect()
        #expect(rows.map { [$0.user, $0.item] } == whole.map { [$0[0], $0[1]] })
        #expect(rows.map(\.time) == whole.map { Double($0[2]) ?? -1 })
        #expect(
            try store.insert([BehaviourEvent(eventID: UUID(), userID: "late", itemID: "x", kind: .view, timestamp: Date())]).transaction
                .map { !snapshot.sees($0) } == true)
    }
}
