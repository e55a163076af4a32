import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// LISTEN/NOTIFY between two sessions on one real database.
struct NotificationTests {
    private func accept(_ version: String, in registry: ModelRegistry) throws {
        try registry.begin(version: version, parent: try registry.current()?.version, trigger: "events", trainer: "replica-b", watermark: 0)
        try registry.finish(version: version, state: .accepted, checkpoint: .bytes(Data([1, 2, 3])), sha256: "sha")
    }

    @Test func acceptancesAndRollbacksReachAnotherSession() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let listener = try PostgresConnection(database)
        try listener.listen(ModelRegistry.channel)
        let registry = ModelRegistry(database: try PostgresConnection(database))
        try accept("v1", in: registry)
        #expect(try listener.notifications(timeout: 5).map(\.payload) == ["v1"])
        try registry.begin(version: "v2", parent: "v1", trigger: "events", trainer: "replica-b", watermark: 0)
        try registry.finish(version: "v2", state: .rejected, reason: "worse")
        #expect(try listener.notifications(timeout: 0.3).map(\.payload) == [], "a rejected run is not announced")
        try accept("v3", in: registry)
        #expect(try listener.notifications(timeout: 5).map(\.payload) == ["v3"])
        _ = try registry.rollback(reason: "bad")
        #expect(try listener.notifications(timeout: 5).map(\.payload) == ["v1"])
    }

    @Test func anInsertAnnouncesWhatItStoredAndNotDuplicates() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let listener = try PostgresConnection(database)
        try listener.listen("stored_events")
        let announcement = EventAnnouncement(channel: "stored_events") { stored, transaction in stored.map { "\(transaction) \($0.userID):\($0.itemID)" } }
        let store = EventStore(database: try PostgresConnection(database), announcement: announcement)
        let events = ["a", "b"].map { BehaviourEvent(eventID: UUID(), userID: "u", itemID: $0, kind: .view, timestamp: Date()) }
        let first = try store.insert(events)
        #expect(first.stored == 2)
        let transaction = try #require(first.transaction)
        var heard = try listener.notifications(timeout: 5).map(\.payload)
        if heard.count == 1 { heard += try listener.notifications(timeout: 5).map(\.payload) }
        #expect(heard == ["\(transaction) u:a", "\(transaction) u:b"], "named by the transaction that stored them")
        let extra = BehaviourEvent(eventID: UUID(), userID: "v", itemID: "c", kind: .view, timestamp: Date())
        let second = try store.insert(events + [extra])
        #expect(second.duplicates == 2)
        #expect(try listener.notifications(timeout: 5).map(\.payload) == ["\(try #require(second.transaction)) v:c"], "duplicates are not announced again")
        #expect(try store.insert(events).transaction == nil, "a batch of duplicates stores nothing, in no transaction")
        #expect(
            try EventStore(database: PostgresConnection(database)).insert([
                BehaviourEvent(eventID: UUID(), userID: "w", itemID: "d", kind: .view, timestamp: Date())
            ]).stored == 1)
        #expect(try listener.notifications(timeout: 0.3).map(\.payload) == [], "a store without an announcement sends nothing")
    }

    @Test func aTimeoutReturnsNothingPromptly() throws {
        let listener = try ThrowawayPostgres.freshConnection()
        try listener.listen(ModelRegistry.channel)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try listener.notifications(timeout: 0.2).map(\.payload) == [])
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(190) && elapsed < .seconds(2), "\(elapsed)")
    }

    @Test func aBrokenListeningConnectionThrows() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let listener = try PostgresConnection(database)
        try listener.listen(ModelRegistry.channel)
        let pid = try #require(try listener.query("SELECT pg_backend_pid()").scalar)
        try PostgresConnection(database).query("SELECT pg_terminate_backend($1::int)", [pid])
        #expect(throws: PostgresError.self) { try listener.notifications(timeout: 5).map(\.payload) }
    }

    @Test func channelNamesAreValidated() throws {
        let connection = try ThrowawayPostgres.freshConnection()
        #expect(throws: PostgresError.self) { try connection.listen("models\"; DROP TABLE models; --") }
        #expect(throws: PostgresError.self) { try connection.listen("") }
    }
}
