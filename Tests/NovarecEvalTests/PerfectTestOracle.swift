import NovarecCore
import NovarecML

/// A cheating "model" that knows each user's test target from the history it is shown
/// (its fixture makes histories unique per user): used to prove that evaluation stages do
/// not leak targets into each other.
struct PerfectTestOracle: Recommender {
    let name = "oracle"
    let hyperparameters: [String: Double] = [:]
    let itemCount: Int
    private let targetByHistory: [ArraySlice<Int32>: Int32]

    init(split: LeaveOneOutSplit) {
        itemCount = split.itemCount
        var targets: [ArraySlice<Int32>: Int32] = [:]
        for user in 0..<split.userCount { targets[split.history(user, stage: .test)] = split.target(user, stage: .test) }
        targetByHistory = targets
    }

    func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        scores.update(repeating: 0)
        if let target = targetByHistory[history] { scores[Int(target)] = 1 }
    }
}
