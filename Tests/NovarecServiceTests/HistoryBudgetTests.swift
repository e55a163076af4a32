import Foundation
import NovarecStore
import Testing
@testable import NovarecService

/// Histories under a budget of users: the least recently used are dropped, and a dropped
/// user's history comes back from the store on their next request, never silently lost.
struct HistoryBudgetTests {
    private let snapshot = PostgresSnapshot(xmin: 10, xmax: 20, running: [15])
    /// A read of the store that must not happen.
    private static func noRead(_ user: String, _ limit: Int) throws -> StoredHistory {
        Issue.record("read the store for \(user)")
        return StoredHistory(items: [], snapshot: PostgresSnapshot(xmin: 1, xmax: 1))
    }

    /// Users 0..<count, one event each, in transactions 100, 101, ...
    private func flood(_ histories: UserHistories, users: Range<Int>) {
        for user in users { histories.append([("u\(user)", "i\(user)")], transaction: UInt64(100 + user)) }
    }

    @Test func memoryHoldsAtMostTheBudgetAndKeepsWhatIsUsed() {
        let histories = UserHistories(maxUsers: 4)
        flood(histories, users: 0..<2)
        #expect(histories.entry(of: "u0", reading: Self.noRead)?.items == ["i0"], "nobody dropped yet: no read")
        for user in 2..<40 {
            flood(histories, users: user..<(user + 1))
            _ = histories.entry(of: "u0", reading: nil)
            #expect(histories.userCount <= 4)
        }
        #expect(histories.history(of: "u0") == ["i0"], "a user asked for again and again stays")
        #expect(histories.history(of: "u1") == nil, "one nobody asked for is dropped")
    }

    @Test func anAbsentUserIsUnknownWithoutAReadWhileNobodyWasDropped() {
        let histories = UserHistories(maxUsers: 100)
        flood(histories, users: 0..<10)
        #expect(histories.entry(of: "stranger", reading: Self.noRead) == nil)
        #expect(!histories.needsStoreRead(for: "stranger") && !histories.needsStoreRead(for: "u3"))
        #expect(histories.storeReadCounts.reads == 0)
    }

    @Test func aDroppedUsersHistoryIsReadFromTheStoreWithAFreshRevision() {
        let histories = UserHistories(maxUsers: 2)
        histories.append([("ann", "a"), ("ann", "b")], transaction: 30)
        let before = histories.entry(of: "ann")!.revision
        flood(histories, users: 0..<6)
        #expect(histories.entry(of: "ann") == nil, "dropped")
        #expect(histories.needsStoreRead(for: "ann") && histories.needsStoreRead(for: "nobody"), "after a drop, an absent user is read")
        let entry = histories.entry(of: "ann") { user, limit in
            #expect(user == "ann" && limit == histories.limit)
            return StoredHistory(items: ["a", "b"], snapshot: PostgresSnapshot(xmin: 40, xmax: 40))
        }
        #expect(entry?.items == ["a", "b"] && entry?.isComplete == true)
        #expect(entry!.revision > before, "no cache keeps a list for the dropped history")
        #expect(histories.entry(of: "ann", reading: Self.noRead)?.items == ["a", "b"], "back in memory: read once")
        #expect(!histories.needsStoreRead(for: "ann"))
        #expect(histories.storeReadCounts.reads == 1)
        #expect(histories.entry(of: "nobody") { _, _ in StoredHistory(items: [], snapshot: self.snapshot) } == nil, "unknown to the store too")
        #expect(histories.entry(of: "nobody") == nil, "nothing kept for a user the store does not know")
    }

    @Test func aBatchTheReadSawIsNotTakenInTwice() {
        let histories = UserHistories(maxUsers: 2)
        flood(histories, users: 0..<6)
        _ = histories.entry(of: "ann") { _, _ in StoredHistory(items: ["a", "b"], snapshot: PostgresSnapshot(xmin: 40, xmax: 40)) }
        #expect(histories.append([("ann", "b")], transaction: 39) == ["b"], "stored before the read, announced after it")
        #expect(histories.history(of: "ann") == ["a", "b"])
        histories.append([("ann", "c")], transaction: 41)
        #expect(histories.history(of: "ann") == ["a", "b", "c"])
    }

    @Test func anEventForADroppedUserMakesAnIncompleteEntryCompletedOnTheNextRequest() {
        let histories = UserHistories(maxUsers: 2)
        histories.append([("ann", "a")], transaction: 30)
        flood(histories, users: 0..<6)
        histories.append([("ann", "b")], transaction: 50)
        let partial = histories.entry(of: "ann")!
        #expect(!partial.isComplete && partial.items == ["b"])
        let entry = histories.entry(of: "ann") { _, _ in StoredHistory(items: ["a", "b"], snapshot: PostgresSnapshot(xmin: 51, xmax: 51)) }
        #expect(entry?.isComplete == true && entry?.items == ["a", "b"])
        #expect(entry!.revision > partial.revision)
    }

    @Test func aReadThatAnEventRacedIsNotInstalledAndTheNextRequestReadsAgain() {
        let histories = UserHistories(maxUsers: 2)
        histories.append([("ann", "a")], transaction: 30)
        flood(histories, users: 0..<6)
        histories.append([("ann", "b")], transaction: 50)
        let raced = histories.entry(of: "ann") { _, _ in
            histories.append([("ann", "c")], transaction: 52)
            return StoredHistory(items: ["a", "b"], snapshot: PostgresSnapshot(xmin: 51, xmax: 51))
        }
        #expect(raced?.items == ["b", "c"] && raced?.isComplete == false, "memory answers; the read may have missed c")
        let next = histories.entry(of: "ann") { _, _ in StoredHistory(items: ["a", "b", "c"], snapshot: PostgresSnapshot(xmin: 53, xmax: 53)) }
        #expect(next?.items == ["a", "b", "c"] && next?.isComplete == true)
    }

    @Test func anErasureDuringTheReadKeepsItsResultOut() {
        let histories = UserHistories(maxUsers: 2)
        flood(histories, users: 0..<6)
        let entry = histories.entry(of: "ann") { _, _ in
            histories.remove(user: "ann", transaction: 60)
            return StoredHistory(items: ["a"], snapshot: PostgresSnapshot(xmin: 59, xmax: 59))
        }
        #expect(entry == nil && histories.entry(of: "ann") == nil)
    }

    @Test func aFailedReadAnswersFromMemory() {
        let histories = UserHistories(maxUsers: 2)
        histories.append([("ann", "a")], transaction: 30)
        flood(histories, users: 0..<6)
        histories.append([("ann", "b")], transaction: 50)
        struct Down: Error {}
        let entry = histories.entry(of: "ann") { _, _ in throw Down() }
        #expect(entry?.items == ["b"] && entry?.isComplete == false)
        #expect(histories.entry(of: "bob") { _, _ in throw Down() } == nil)
        #expect(histories.storeReadCounts == (reads: 2, failed: 2))
    }

    @Test func aLoadOverTheBudgetKeepsTheMostRecentlyActiveAndReadsTheRestOnAMiss() {
        var collector = HistoryCollector(limit: 2, maxUsers: 2)
        let rows = [("ann", "a", 1.0), ("ann", "b", 9.0), ("bob", "c", 2.0), ("cy", "d", 5.0), ("cy", "e", 6.0), ("cy", "f", 7.0)]
        for (user, item, time) in rows { collector.add(user: user, item: item, time: time) }
        let collected = collector.finish()
        #expect(collected.users.map(\.user) == ["cy", "ann"], "the least recently active first")
        #expect(collected.users.map(\.items) == [["e", "f"], ["a", "b"]], "the newest items of each")
        #expect(collected.truncated && collected.rows == 6)
        let histories = UserHistories(limit: 2, maxUsers: 2)
        histories.load(collected, snapshot: snapshot)
        #expect(histories.userCount == 2)
        #expect(histories.entry(of: "bob") { _, _ in StoredHistory(items: ["c"], snapshot: self.snapshot) }?.items == ["c"])
    }

    @Test func aCompleteLoadWithinTheBudgetReadsNothingOnAMiss() {
        let histories = UserHistories(maxUsers: 2)
        flood(histories, users: 0..<6)
        let highest = histories.entry(of: "u5")!.revision
        histories.load(CollectedHistories(users: [("ann", ["a"])]), snapshot: snapshot)
        #expect(histories.entry(of: "u5", reading: Self.noRead) == nil, "the load held every stored user")
        #expect(histories.entry(of: "ann", reading: Self.noRead)?.revision ?? 0 > highest, "a revision past those of the dropped users")
    }

    @Test func aReloadOverTheBudgetMarksReplayedUsersItLeftOutIncomplete() {
        let histories = UserHistories(maxUsers: 2)
        histories.beginReload()
        histories.append([("zed", "late")], transaction: 30)
        histories.load(CollectedHistories(users: [("ann", ["a"])], truncated: true), snapshot: snapshot)
        #expect(histories.entry(of: "zed")?.isComplete == false, "zed's older events may be among those the read left out")
        #expect(histories.entry(of: "ann")?.isComplete == true)
        let completed = histories.entry(of: "zed") { _, _ in StoredHistory(items: ["old", "late"], snapshot: PostgresSnapshot(xmin: 31, xmax: 31)) }
        #expect(completed?.items == ["old", "late"] && completed?.isComplete == true)
    }
}
