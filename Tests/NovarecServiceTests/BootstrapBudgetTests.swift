import Foundation
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// Start-up from a store holding more than the budgets: the streamed read keeps the most
/// recently active users and the most popular items, and the users left out are read from the
/// store on their first request.
struct BootstrapBudgetTests {
    @Test func startUpKeepsTheBudgetAndReadsTheRestOnAMiss() throws {
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let plan = [("ann", ["a", "b"], 100.0), ("bob", ["b", "c"], 300.0), ("cy", ["b", "a"], 200.0), ("dee", ["a"], 400.0)]
        let events = plan.flatMap { user, items, start in
            items.enumerated().map { index, item in
                BehaviourEvent(eventID: UUID(), userID: user, itemID: item, kind: .view, timestamp: Date(timeIntervalSince1970: start + Double(index)))
            }
        }
        #expect(try store.insert(events).stored == 7)
        let service = try ServiceBootstrap.make(
            store: store, interactions: try store.storedInteractions(), checkpoint: nil,
            historyUsers: 2, popularityItems: 2)
        let engine = service.engine
        #expect(engine.histories.userCount == 2)
        #expect(engine.histories.history(of: "dee") == ["a"] && engine.histories.history(of: "bob") == ["b", "c"], "the two most recently active")
        #expect(engine.model.items.ids == ["a", "b"], "the two items the most users chose")
        #expect(engine.model.userCounts == [3, 3])
        #expect(engine.histories.entry(of: "ann") == nil)
        _ = try engine.recommend(RecommendationQuery(user: "ann", k: 2))
        #expect(engine.histories.history(of: "ann") == ["a", "b"], "read from the store on the first request")
        #expect(engine.histories.storeReadCounts == (reads: 1, failed: 0))
    }
}
