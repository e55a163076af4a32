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

    /// Scores users in blocks of `blockSize` (one batched call per block, blocks in parallel),
    /// masks each history, and maps every user's score row through `body`.
    private func map<T: Sendable>(
        _ recommender: any Recommender, stage: LeaveOneOutSplit.Stage, task: String,
        _ body: @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> T
    ) -> [T] {
        precondition(recommender.itemCount == split.itemCount, "model and dataset catalogues differ")
        let progress = ProgressCounter(task: task, total: split.userCount, observer: observer)
        let blockSize = 64
        let itemCount = split.itemCount
        let blockCount = (split.userCount + blockSize - 1) / blockSize
        let blocks = Parallel.mapChunks(count: blockCount, chunks: 2 * 16) { blockRange in
            var scores = [Float](repeating: 0, count: blockSize * itemCount)
            return blockRange.flatMap { block in
                let users = (block * blockSize)..<min((block + 1) * blockSize, split.userCount)
                let histories = users.map { split.history($0, stage: stage) }
                let results = scores.withUnsafeMutableBufferPointer { buffer in
                    recommender.score(histories: histories, into: buffer)
                    return zip(users, histories).enumerated().map { row, user in
                        let scoresOfUser = UnsafeMutableBufferPointer(rebasing: buffer[(row * itemCount)..<((row + 1) * itemCount)])
                        for item in user.1 { scoresOfUser[Int(item)] = -.infinity }
                        return body(user.0, scoresOfUser)
                    }
                }
                progress.advance(by: users.count)
                return results
            }
        }
        return blocks.flatMap { $0 }
    }
}
