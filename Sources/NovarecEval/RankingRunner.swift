import NovarecCore
import NovarecML

/// Runs a recommender over every evaluated user of a split, in parallel, with the protocol's
/// rules: full ranking over the catalogue, the user's history excluded.
public struct RankingRunner: Sendable {
    public let split: LeaveOneOutSplit
    public let observer: (any ProgressObserver)?

    public init(split: LeaveOneOutSplit, observer: (any ProgressObserver)? = nil) {
        self.split = split
        self.observer = observer
    }

    /// Each user's top-`k` list at `stage`, best first, in `split.users` order.
    public func topLists(_ recommender: any Recommender, stage: LeaveOneOutSplit.Stage, k: Int) -> [[Int32]] {
        map(recommender, stage: stage, task: "\(recommender.name) top-\(k) (\(stage.rawValue))") { _, scores in
            TopKSelector.select(UnsafeBufferPointer(scores), k: k)
        }
    }

    /// Each user's 1-based rank of the held-out target at `stage` (nil when the target is in
    /// the history and therefore excluded).
    public func targetRanks(_ recommender: any Recommender, stage: LeaveOneOutSplit.Stage) -> [Int?] {
        map(recommender, stage: stage, task: "\(recommender.name) ranks (\(stage.rawValue))") { position, scores in
            TopKSelector.rank(of: split.target(position, stage: stage), in: UnsafeBufferPointer(scores))
        }
    }

    private func map<T: Sendable>(
        _ recommender: any Recommender, stage: LeaveOneOutSplit.Stage, task: String,
        _ body: @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> T
    ) -> [T] {
        precondition(recommender.itemCount == split.itemCount, "model and dataset catalogues differ")
        let progress = ProgressCounter(task: task, total: split.userCount, observer: observer)
        let chunks = Parallel.mapChunks(count: split.userCount, chunks: 256) { users in
            var scores = [Float](repeating: 0, count: split.itemCount)
            let results = scores.withUnsafeMutableBufferPointer { buffer in
                users.map { position in
                    let history = split.history(position, stage: stage)
                    recommender.score(history: history, into: buffer)
                    for item in history { buffer[Int(item)] = -.infinity }
                    return body(position, buffer)
                }
            }
            progress.advance(by: users.count)
            return results
        }
        return chunks.flatMap { $0 }
    }
}
