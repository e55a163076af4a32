import Foundation
import NovarecTestSupport
import Synchronization
import NovarecHTTP
import Testing
@testable import NovarecService
@testable import NovarecStore

/// The engine reads a dropped user's history through its journal on their next request, and
/// answers from memory when the journal is down.
struct HistoryStoreReadTests {
    /// A journal in memory whose reads can be made to fail (the database down).
    final class FakeJournal: EventJournal {
        private let events = Mutex<[String: [String]]>([:])
        private let transactions = Atomic<UInt64>(100)
        let reads = Atomic<Int>(0)
        let down = Atomic<Bool>(false)

        func insert(_ batch: [BehaviourEvent]) throws -> EventStore.InsertResult {
            events.withLock { events in for event in batch { events[event.userID, default: []].append(event.itemID) } }
            let transaction = transactions.add(1, ordering: .relaxed).newValue
            return EventStore.InsertResult(stored: batch.count, duplicates: 0, storedIDs: Set(batch.map(\.eventID)), transaction: transaction)
        }

        func erase(user: String) throws -> EventStore.ErasureResult {
            let deleted = events.withLock { $0.removeValue(forKey: user)?.count ?? 0 }
            return EventStore.ErasureResult(eventsDeleted: deleted, transaction: transactions.add(1, ordering: .relaxed).newValue)
        }

        func recentHistory(of user: String, limit: Int) throws -> StoredHistory {
            reads.add(1, ordering: .relaxed)
            struct Unreachable: Error {}
            if down.load(ordering: .relaxed) { throw Unreachable() }
            let next = transactions.load(ordering: .relaxed) + 1
            return StoredHistory(items: events.withLock { Array(($0[user] ?? []).suffix(limit)) }, snapshot: PostgresSnapshot(xmin: next, xmax: next))
        }

        func isReachable() -> Bool { !down.load(ordering: .relaxed) }
    }

    let journal = FakeJournal()
    let engine: RecommendationEngine

    init() {
        engine = RecommendationEngine(
            model: RecommendationEngineTests.engine().model, journal: journal,
            histories: UserHistories(maxUsers: 2), candidateCacheUsers: 100)
    }

    private func post(_ user: String, _ items: [String]) throws {
        let events = items.enumerated().map { index, item in
            BehaviourEvent(eventID: UUID(), userID: user, itemID: item, kind: .view, timestamp: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
        #expect(try engine.ingest(events).stored == items.count)
    }

    @Test func aDroppedUsersNextRequestReadsTheirHistoryThroughTheJournal() throws {
        try post("ann", ["sku2", "sku8", "sku14"])
        let before = try engine.recommend(RecommendationQuery(user: "ann", k: 5))
        for other in 0..<4 { try post("other\(other)", ["sku1"]) }
        #expect(engine.histories.entry(of: "ann") == nil, "dropped from memory")
        let after = try engine.recommend(RecommendationQuery(user: "ann", k: 5))
        #expect(journal.reads.load(ordering: .relaxed) == 1)
        #expect(!after.fallback && after.items.map(\.itemID) == before.items.map(\.itemID), "the same list from the same history")
        #expect(engine.histories.history(of: "ann") == ["sku2", "sku8", "sku14"])
        #expect(try engine.recommend(RecommendationQuery(user: "nobody", k: 3)).fallback, "unknown to the store: popularity")
        let metrics = PrometheusText.render(ServiceMetrics.families(engine: engine, embedder: nil, coordinator: nil, http: nil))
        #expect(metrics.contains("novarec_history_users_budget 2\n") && metrics.contains("novarec_popularity_items_budget 1000000\n"))
        #expect(metrics.contains(#"novarec_history_store_reads_total{outcome="read"} 2"#), "ann's and nobody's")
    }

    @Test func whenTheJournalIsDownTheAnswerComesFromMemory() throws {
        try post("ann", ["sku2", "sku8"])
        for other in 0..<4 { try post("other\(other)", ["sku1"]) }
        journal.down.store(true, ordering: .relaxed)
        try post("ann", ["sku14"])
        let partial = try engine.recommend(RecommendationQuery(user: "ann", k: 5))
        let fromMemory = try engine.recommend(RecommendationQuery(history: ["sku14"], k: 5))
        #expect(!partial.fallback && partial.items.map(\.itemID) == fromMemory.items.map(\.itemID), "served from the incomplete entry")
        #expect(engine.histories.entry(of: "ann")?.isComplete == false)
        journal.down.store(false, ordering: .relaxed)
        _ = try engine.recommend(RecommendationQuery(user: "ann", k: 5))
        #expect(engine.histories.entry(of: "ann")?.isComplete == true)
        #expect(engine.histories.history(of: "ann") == ["sku2", "sku8", "sku14"], "completed once the journal answers")
    }
}
