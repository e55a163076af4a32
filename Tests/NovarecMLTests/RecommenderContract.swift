import Dispatch
import Foundation
import NovarecCore
import NovarecML
import Testing

/// The checks every `Recommender` must pass, whatever its algorithm (in the spirit of
/// benfred/implicit's shared test mixin): a new model's test supplies only how to build it.
///
/// Fixture: a checkerboard shop of 40 items and 60 users; even users buy only even items, odd
/// users only odd items, item 0/1 are the most popular of their half, and within a half each
/// user steps through items three apart (so the test histories, which do too, are typical).
enum RecommenderContract {
    static let itemCount = 40

    static var trainingSequences: [ArraySlice<Int32>] {
        (0..<60).map { user in
            let parity = Int32(user % 2)
            let items = (0..<6).map { step in Int32((user / 2 + step * 3) % 20) * 2 + parity }
            return ArraySlice([parity] + items)
        }
    }

    static var statistics: PopularityStatistics {
        PopularityStatistics(itemCount: itemCount, trainingSequences: trainingSequences)
    }

    static var cooccurrence: ItemCooccurrence {
        ItemCooccurrence(itemCount: itemCount, trainingSequences: trainingSequences)
    }

    /// Runs every contract check; `personalised` models must also rank the user's own half first.
    static func check(_ model: any Recommender, personalised: Bool = true) {
        #expect(model.itemCount == itemCount)
        #expect(!model.name.isEmpty)
        let history: ArraySlice<Int32> = [2, 8, 14]
        let first = scores(model, history)
        #expect(first.allSatisfy { $0.isFinite }, "every element is written with a finite score")
        let again = scores(model, history)
        #expect(again == first, "scoring is deterministic")
        let empty = scores(model, [])
        #expect(empty.allSatisfy { $0.isFinite }, "an empty history is valid")
        checkConcurrentReads(model, history: history, expected: first)
        checkBatchMatchesSingle(model, histories: [history, [], [3, 9, 15], [0]])
        if personalised {
            checkPersonalisation(model, history: history, parity: 0)
            checkPersonalisation(model, history: [3, 9, 15], parity: 1)
        }
    }

    /// The user's own half of the checkerboard must score higher on average and hold the top item.
    private static func checkPersonalisation(_ model: any Recommender, history: ArraySlice<Int32>, parity: Int32) {
        let scores = scores(model, history)
        let candidates = (0..<Int32(itemCount)).filter { !history.contains($0) }
        let own = candidates.filter { $0 % 2 == parity }.map { Double(scores[Int($0)]) }
        let other = candidates.filter { $0 % 2 != parity }.map { Double(scores[Int($0)]) }
        let ownMean = own.reduce(0, +) / Double(own.count)
        let otherMean = other.reduce(0, +) / Double(other.count)
        #expect(ownMean > otherMean, "history of parity \(parity): own half mean \(ownMean) vs other \(otherMean)")
        let top = topItems(scores, excluding: history, k: 2)
        #expect(top.allSatisfy { $0 % 2 == parity }, "history of parity \(parity) gets top items \(top)")
    }

    static func scores(_ model: any Recommender, _ history: ArraySlice<Int32>) -> [Float] {
        var buffer = [Float](repeating: .nan, count: model.itemCount)
        buffer.withUnsafeMutableBufferPointer { model.score(history: history, into: $0) }
        return buffer
    }

    static func topItems(_ scores: [Float], excluding history: ArraySlice<Int32>, k: Int) -> [Int32] {
        var masked = scores
        for item in history { masked[Int(item)] = -.infinity }
        return masked.withUnsafeBufferPointer { TopKSelector.select($0, k: k) }
    }

    /// Scoring several users at once gives each the scores of scoring them alone.
    private static func checkBatchMatchesSingle(_ model: any Recommender, histories: [ArraySlice<Int32>]) {
        var batch = [Float](repeating: .nan, count: histories.count * model.itemCount)
        batch.withUnsafeMutableBufferPointer { model.score(histories: histories, into: $0) }
        for (row, history) in histories.enumerated() {
            let single = scores(model, history)
            let batched = batch[(row * model.itemCount)..<((row + 1) * model.itemCount)]
            let close = zip(single, batched).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) }
            #expect(close, "row \(row) of a batch equals scoring \(history) alone")
        }
    }

    private static func checkConcurrentReads(_ model: any Recommender, history: ArraySlice<Int32>, expected: [Float]) {
        let results = Parallel.mapChunks(count: 64, chunks: 16) { range in
            range.allSatisfy { _ in scores(model, history) == expected }
        }
        #expect(results.allSatisfy { $0 }, "concurrent reads see the same scores")
    }

    /// Writes `model` as `novarec train` would (a baseline or a SASRec checkpoint, a real file in
    /// a temporary directory), reads it back as `novarec serve` does (`ModelCheckpoint.read`), and
    /// expects the same kind, hyper-parameters, item ids, metadata and bit-identical scores.
    static func checkCheckpointRoundTrip(_ model: any Recommender) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("\(model.name).safetensors")
        let itemIDs = (0..<model.itemCount).map { "sku-\($0)" }
        let metadata = ["novarec.note": "round trip"]
        if let baseline = model as? any CheckpointableRecommender {
            try BaselineCheckpoint(model: baseline, itemIDs: itemIDs, metadata: metadata).write(to: url)
        } else {
            let sasrec = try #require(model as? SASRec, "\(model.name) has no checkpoint format")
            try SASRecCheckpoint(model: sasrec, itemIDs: itemIDs, metadata: metadata).write(to: url)
        }
        let loaded = try ModelCheckpoint.read(from: url)
        #expect(loaded.recommender.name == model.name && loaded.metadata["novarec.kind"] == model.name)
        #expect(loaded.recommender.hyperparameters == model.hyperparameters)
        #expect(loaded.itemIDs == itemIDs)
        #expect(loaded.metadata["novarec.note"] == "round trip")
        for history: ArraySlice<Int32> in [[], [2, 8, 14], [3, 9, 15], [0], [39, 1, 38, 2, 37]] {
            #expect(scores(loaded.recommender, history) == scores(model, history), "bit-identical scores for \(history)")
        }
    }
}

/// The wrappers the service serves models through.
struct ServingWrapperTests {
    static let knn = ItemKNN(
        cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics,
        configuration: .init(shrink: 0, neighbourhood: 5, decay: 1))

    @Test func aLogitAdjustedModelFulfilsTheContractAndAddsItsPrior() {
        let counts = RecommenderContract.statistics.interactionCounts.map(Double.init)
        let prior = LogitAdjustedRecommender.prior(counts: counts, tau: 0.01)
        let model = LogitAdjustedRecommender(base: Self.knn, prior: prior)
        RecommenderContract.check(model)
        let plain = RecommenderContract.scores(Self.knn, [2, 8])
        let adjusted = RecommenderContract.scores(model, [2, 8])
        #expect(zip(zip(plain, prior), adjusted).allSatisfy { abs($0.0 + $0.1 - $1) < 1e-5 })
        #expect(model.unadjusted is ItemKNN)
    }

    @Test func aNeighbourBlendFulfilsTheContractAndAddsWeightedNeighbourScores() {
        let base = MostPopular(statistics: RecommenderContract.statistics)
        let model = NeighbourEvidence(neighbours: Self.knn, weight: 50).blended(with: base)
        RecommenderContract.check(model)
        let history: ArraySlice<Int32> = [2, 8]
        let expected = zip(RecommenderContract.scores(base, history), RecommenderContract.scores(Self.knn, history)).map { $0 + 50 * $1 }
        #expect(zip(expected, RecommenderContract.scores(model, history)).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(RecommenderContract.scores(model, []) == RecommenderContract.scores(base, []), "no history, no neighbour evidence")
        #expect(model.unadjusted is MostPopular && model.neighbourEvidence?.weight == 50)
        #expect(NeighbourEvidence(neighbours: Self.knn, weight: 0).blended(with: base) is MostPopular, "weight 0 adds nothing")
    }

    @Test func aRemappedModelFulfilsTheContractAndScoresNewItemsBelowEveryKnownOne() {
        let base = Vocabulary(orderedIDs: (0..<RecommenderContract.itemCount).map { "i\($0)" })
        // The same catalogue with two items gone (scored from nothing) and two new ones in their places.
        var ids = base.ids
        ids[38] = "new-a"
        ids[39] = "new-b"
        let model = RemappedRecommender(Self.knn, baseItems: base, items: Vocabulary(orderedIDs: ids))
        RecommenderContract.check(model)
        let scores = RecommenderContract.scores(model, [2, 8, 14])
        #expect(scores[38] == scores[39] && scores[..<38].allSatisfy { $0 > scores[38] })
    }
}

struct MostPopularTests {
    @Test func fulfilsTheContract() {
        RecommenderContract.check(MostPopular(statistics: RecommenderContract.statistics), personalised: false)
    }

    @Test func survivesACheckpointRoundTrip() throws {
        try RecommenderContract.checkCheckpointRoundTrip(MostPopular(statistics: RecommenderContract.statistics))
    }

    @Test func scoresAreDistinctTrainingUsers() {
        let model = MostPopular(statistics: RecommenderContract.statistics)
        let scores = RecommenderContract.scores(model, [5])
        #expect(scores[0] == 30 && scores[1] == 30)
        #expect(RecommenderContract.topItems(scores, excluding: [], k: 2) == [0, 1])
    }
}
