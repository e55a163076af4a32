import NovarecStore
import Testing
@testable import NovarecService

struct UserHistoriesTests {
    private let snapshot = PostgresSnapshot(xmin: 10, xmax: 20, running: [15])

    @Test func batchesTheLoadedSnapshotSawAreNotTakenInAgain() {
        let histories = UserHistories()
        histories.load(["ann": ["a", "b"]], snapshot: snapshot)
        #expect(histories.append([("ann", "b")], transaction: 12).isEmpty, "committed before the read")
        #expect(histories.append([("ann", "c")], transaction: 15) == ["c"], "still running at the read")
        #expect(histories.append([("ann", "d"), ("bob", "e")], transaction: 20) == ["d", "e"], "started after the read")
        #expect(histories.history(of: "ann") == ["a", "b", "c", "d"])
        #expect(histories.history(of: "bob") == ["e"])
        #expect(histories.entry(of: "ann")?.revision == 4)
    }

    @Test func aReloadReplaysWhatItsReadDidNotSee() {
        let histories = UserHistories()
        histories.load(["ann": ["a"], "dee": ["g", "h"]], snapshot: PostgresSnapshot(xmin: 5, xmax: 5))
        histories.beginReload()
        #expect(histories.append([("ann", "seen")], transaction: 12) == ["seen"])
        #expect(histories.append([("ann", "unseen"), ("dee", "i")], transaction: 15) == ["unseen", "i"])
        let revisions = (ann: histories.entry(of: "ann")!.revision, dee: histories.entry(of: "dee")!.revision)
        histories.load(["ann": ["a", "missed", "seen"], "cy": ["f"], "dee": ["g", "h"]], snapshot: snapshot)
        #expect(histories.history(of: "ann") == ["a", "missed", "seen", "unseen"])
        #expect(histories.history(of: "cy") == ["f"])
        #expect(histories.entry(of: "ann")!.revision > revisions.ann, "a changed history moves past every earlier revision")
        #expect(histories.history(of: "dee") == ["g", "h", "i"])
        #expect(histories.entry(of: "dee")?.revision == revisions.dee, "an unchanged history keeps its revision")
        #expect(histories.append([("ann", "seen")], transaction: 12).isEmpty, "the new snapshot rules from now on")
    }

    @Test func anAbandonedReloadStopsRecording() {
        let histories = UserHistories()
        histories.beginReload()
        #expect(histories.append([("ann", "a")], transaction: 30) == ["a"])
        histories.abandonReload()
        #expect(histories.append([("ann", "b")], transaction: 31) == ["b"])
        histories.load(["ann": ["a"]], snapshot: snapshot)
        #expect(histories.history(of: "ann") == ["a"], "nothing recorded before the abandoned reload is replayed")
    }

    /// A list scored from a history while it was erased may be filed under that history's
    /// revision after the erasure; a history begun again never comes back to that revision.
    @Test func aHistoryBegunAgainAfterAnErasureTakesNewRevisions() throws {
        let histories = UserHistories()
        histories.append([("u", "a"), ("u", "b")], transaction: 1)
        let erased = try #require(histories.entry(of: "u")).revision
        #expect(histories.remove(user: "u", transaction: 2) == ["a", "b"])
        histories.append([("u", "c"), ("u", "d")], transaction: 3)
        let again = try #require(histories.entry(of: "u"))
        #expect(again.items == ["c", "d"])
        #expect(again.revision > erased)
    }

    /// A batch stored before an erasure but heard of after it (another replica's, announced late)
    /// holds events the erasure deleted: it does not bring the erased history back. A batch
    /// stored after the erasure is taken in.
    @Test func aBatchStoredBeforeAnErasureAndHeardAfterItIsSkipped() {
        let histories = UserHistories()
        histories.append([("u", "a")], transaction: 5)
        histories.remove(user: "u", transaction: 10)
        #expect(histories.append([("u", "b"), ("v", "w")], transaction: 7) == ["w"], "only the other shopper's event is taken in")
        #expect(histories.history(of: "u") == nil)
        #expect(histories.history(of: "v") == ["w"])
        histories.append([("u", "c")], transaction: 12)
        #expect(histories.history(of: "u") == ["c"])
    }

    /// The same while a reload reads the store: its replay skips the erased shopper's late batch.
    @Test func aReloadDoesNotReplayABatchAnErasureDeleted() {
        let histories = UserHistories()
        histories.beginReload()
        histories.remove(user: "u", transaction: 10)
        histories.append([("u", "b")], transaction: 7)
        histories.load(["v": ["x"]], snapshot: PostgresSnapshot(xmin: 5, xmax: 5))
        #expect(histories.history(of: "u") == nil)
        histories.append([("u", "a")], transaction: 8)
        #expect(histories.history(of: "u") == nil, "the erasure still holds after the reload that did not see it")
    }

    /// A user a reload leaves out (expired events, an erasure this replica missed) and who comes
    /// back takes revisions past their old ones, so a list cached for the old history never
    /// matches the new one.
    @Test func aUserAReloadLeftOutComesBackWithNewRevisions() throws {
        let histories = UserHistories()
        histories.load(["u": ["a"], "v": ["x"]], snapshot: snapshot)
        let before = try #require(histories.entry(of: "u")).revision
        histories.load(["v": ["x"]], snapshot: PostgresSnapshot(xmin: 30, xmax: 30))
        #expect(histories.entry(of: "u") == nil)
        histories.append([("u", "b")], transaction: 31)
        #expect(try #require(histories.entry(of: "u")).revision > before)
        histories.load(["u": ["c"], "v": ["x"]], snapshot: PostgresSnapshot(xmin: 40, xmax: 40))
        #expect(try #require(histories.entry(of: "u")).revision > before + 1)
    }

    @Test func historiesKeepTheirNewestItemsUpToTheLimit() {
        let histories = UserHistories(limit: 3)
        histories.load(["ann": ["a", "b", "c", "d"]], snapshot: snapshot)
        histories.append([("ann", "e")], transaction: 25)
        #expect(histories.history(of: "ann") == ["c", "d", "e"])
        #expect(histories.entry(of: "ann")?.revision == 5)
    }
}
