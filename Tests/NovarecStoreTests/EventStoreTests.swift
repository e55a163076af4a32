import Foundation
import Synchronization
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// Against a real PostgreSQL cluster started by the tests.
struct EventStoreTests {
    private func event(_ user: String, _ item: String, _ kind: BehaviourEvent.Kind = .view, at seconds: Double, id: UUID = UUID()) -> BehaviourEvent {
        BehaviourEvent(
            eventID: id, userID: user, itemID: item, kind: kind, value: kind == .rating ? 4 : nil,
            timestamp: Date(timeIntervalSince1970: seconds))
    }

    @Test func batchesAreStoredOnceAndReadBackInTimeOrder() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let repeated = UUID()
        let batch = [
            event("u1", "b", at: 200), event("u1", "a", at: 100, id: repeated), event("u2", "tab\there", .rating, at: 50),
            event("u1", "quote\"back\\slash", .purchase, at: 300)
        ]
        #expect(try store.insert(batch) == .init(stored: 4, duplicates: 0))
        #expect(try store.insert([event("u3", "x", at: 1, id: repeated), event("u3", "y", at: 2)]) == .init(stored: 1, duplicates: 1))
        #expect(try store.count() == 5)
        let stored = try store.interactions()
        #expect(stored.map(\.user) == ["u1", "u1", "u1", "u2", "u3"])
        #expect(stored.map(\.item) == ["a", "b", "quote\"back\\slash", "tab\there", "y"])
        #expect(stored.first?.time == 100)
    }

    @Test func aBadEventRejectsTheWholeBatch() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        let store = EventStore(database: connection)
        try connection.query("ALTER TABLE events ADD CONSTRAINT no_forbidden CHECK (item_id <> 'forbidden')")
        #expect(throws: PostgresError.self) { try store.insert([event("u1", "ok", at: 1), event("u1", "forbidden", at: 2)]) }
        #expect(try store.count() == 0, "nothing of a failed batch is stored")
    }

    @Test func impressionsAreStoredButAreNeverInteractionsNorAnnounced() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        let announced = Mutex<[String]>([])
        let store = EventStore(
            database: connection,
            announcement: EventAnnouncement(channel: "events") { stored, _ in
                announced.withLock { $0 += stored.map(\.itemID) }
                return []
            })
        let watermark = try store.watermark()
        let shown = BehaviourEvent(eventID: UUID(), userID: "u1", itemID: "shown", kind: .impression, timestamp: Date(timeIntervalSince1970: 1))
        let result = try store.insert([shown, event("u1", "bought", at: 2)])
        #expect(try result.stored == 2 && store.count() == 2)
        #expect(try store.interactions().map(\.item) == ["bought"])
        #expect(try store.count(since: watermark) == 1)
        #expect(announced.withLock { $0 } == ["bought"])
    }

    @Test func migrationsApplyOnce() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        #expect(try Migrations.apply(to: connection) == [])
        #expect(try connection.query("SELECT version FROM schema_migrations ORDER BY version").rows == [["1"], ["2"], ["3"], ["4"], ["5"], ["6"]])
    }

    @Test func parametersAreNeverSplicedIntoSQL() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        let hostile = "x'); DROP TABLE events; --"
        let store = EventStore(database: connection)
        _ = try store.insert([event(hostile, hostile, at: 1)])
        #expect(try connection.query("SELECT user_id FROM events WHERE item_id = $1", [hostile]).scalar == hostile)
    }

    @Test func copyLoadsAndReadsBulkRows() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        let rows = (0..<5_000).map { "item-\($0)\ttitle \(CopyText.escape("with\ttab"))\n" }.joined()
        let loaded = try connection.copyIn("COPY items (item_id, title) FROM STDIN", data: Data(rows.utf8))
        #expect(loaded == 5_000)
        let text = String(decoding: try connection.copyOut("COPY (SELECT title FROM items WHERE item_id = 'item-7') TO STDOUT"), as: UTF8.self)
        #expect(CopyText.unescape(Substring(text.dropLast())) == "title with\ttab")
    }

    @Test func bulkInsertStoresEachEventOnceInOneTransaction() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let events = (0..<3_000).map { event("u\($0 % 50)", "tab\t\($0 % 70)\\", $0 % 3 == 0 ? .rating : .view, at: Double($0)) }
        #expect(try store.bulkInsert(events) == .init(stored: 3_000, duplicates: 0))
        let again = Array(events.prefix(1_000)) + [event("new", "item", at: 5)]
        #expect(try store.bulkInsert(again) == .init(stored: 1, duplicates: 1_000))
        #expect(try store.count() == 3_001)
        let stored = try store.interactions().filter { $0.user == "u7" }
        #expect(stored.map(\.item) == events.filter { $0.userID == "u7" }.map(\.itemID))
        #expect(try store.database.query("SELECT count(*) FROM events WHERE type = 'rating' AND value = 4").scalar == "1000")
    }

    /// Quotes, backslashes, tabs and line breaks followed by a combining mark or an emoji
    /// modifier are single Characters in Swift; every path must still escape them.
    @Test func idsWithGraphemeClustersAroundSpecialCharactersRoundTrip() throws {
        let ids = ["\"\u{1F3FB}x", "a\\\u{301}", "x\r\ny", "t\t\u{301}z", "n\n\u{301}", "\u{301}\"", "q\"\\\u{1F3FB}"]
        let single = EventStore(database: try ThrowawayPostgres.freshConnection())
        #expect(try single.insert(ids.enumerated().map { event($1, "item\($0)", at: Double($0)) }).stored == ids.count)
        #expect(try Set(single.interactions().map(\.user)) == Set(ids))
        let bulk = EventStore(database: try ThrowawayPostgres.freshConnection())
        #expect(try bulk.bulkInsert(ids.enumerated().map { event("u", $1, at: Double($0)) }).stored == ids.count)
        #expect(try bulk.interactions().map(\.item) == ids)
    }

    @Test func watermarkAndCountSinceFollowTheEventIDs() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        #expect(try store.watermark() == 0)
        #expect(try store.count(since: 0) == 0)
        _ = try store.insert([event("u1", "a", at: 1), event("u1", "b", at: 2), event("u2", "a", at: 3)])
        let mark = try store.watermark()
        #expect(mark > 0)
        #expect(try store.count(since: 0) == 3)
        #expect(try store.count(since: mark) == 0)
        _ = try store.insert([event("u3", "c", at: 4), event("u3", "d", at: 5)])
        #expect(try store.count(since: mark) == 2)
        #expect(try store.watermark() > mark)
    }

    @Test func connectionErrorsAreClear() {
        #expect(throws: PostgresError.self) { try PostgresConnection("host=/nonexistent port=1 dbname=x connect_timeout=2") }
    }
}

struct ItemStoreTests {
    @Test func upsertsAndReadsItemsWithCategories() throws {
        let store = ItemStore(database: try ThrowawayPostgres.freshConnection())
        try store.upsert([
            ItemRecord(itemID: "a", title: "Kettle, \"steel\"", categories: ["Kitchen", "Tea, coffee"]),
            ItemRecord(itemID: "b", title: "Tent", categories: [], available: false)
        ])
        #expect(try store.item("a")?.categories == ["Kitchen", "Tea, coffee"])
        #expect(try store.item("a")?.title == "Kettle, \"steel\"")
        #expect(try store.item("b")?.available == false)
        try store.upsert([ItemRecord(itemID: "b", title: "Tent 2", categories: ["Outdoor"])])
        #expect(try store.all().map(\.title) == ["Kettle, \"steel\"", "Tent 2"])
        #expect(try store.item("missing") == nil)
    }

    @Test func bulkUpsertReplacesOrKeepsExistingRecords() throws {
        let store = ItemStore(database: try ThrowawayPostgres.freshConnection())
        try store.upsert([ItemRecord(itemID: "kept", title: "Edited by hand", available: false)])
        let imported = [
            ItemRecord(itemID: "kept", title: "From the dataset"),
            ItemRecord(itemID: "new", title: "Tab\there, \"quoted\"", categories: ["Tea, coffee", "back\\slash"]),
            ItemRecord(itemID: "new", title: "Second record wins", categories: ["x"])
        ]
        try store.bulkUpsert(imported, keepExisting: true)
        #expect(try store.item("kept") == ItemRecord(itemID: "kept", title: "Edited by hand", available: false))
        #expect(try store.item("new") == ItemRecord(itemID: "new", title: "Second record wins", categories: ["x"]))
        try store.bulkUpsert(Array(imported.prefix(2)))
        #expect(try store.item("kept")?.title == "From the dataset")
        #expect(try store.item("new")?.categories == ["Tea, coffee", "back\\slash"])
        #expect(try store.item("new")?.title == "Tab\there, \"quoted\"")
    }
}

struct EmbeddedPostgresTests {
    @Test func aRunningClusterIsReusedAndDataSurvivesARestart() throws {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("novarec-embedded-\(UUID().uuidString.prefix(8))")
        let cluster = try EmbeddedPostgres(directory: directory, port: 5433)
        #expect(try cluster.start(), "started")
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        #expect(try cluster.start() == false, "already running: reused")
        try cluster.createDatabase("novarec")
        let connection = try PostgresConnection(cluster.connectionString(database: "novarec"))
        try Migrations.apply(to: connection)
        let store = EventStore(database: connection)
        _ = try store.insert([BehaviourEvent(eventID: UUID(), userID: "u", itemID: "i", kind: .purchase, timestamp: Date())])
        try cluster.stop()
        try cluster.start()
        #expect(try EventStore(database: PostgresConnection(cluster.connectionString(database: "novarec"))).count() == 1)
    }
}
