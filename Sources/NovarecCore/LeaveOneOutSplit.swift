/// The project's evaluation protocol (DESIGN.md §7): per user, the last item is the test target,
/// the one before it the validation target, the rest is training. Users with fewer than three
/// interactions are dropped. The catalogue stays the dataset's whole item vocabulary.
public struct LeaveOneOutSplit: Sendable {
    /// Which held-out target a ranking is for.
    public enum Stage: String, Sendable, CaseIterable {
        /// Target `s[n-2]`, history `s[..<n-2]` (for tuning and early stopping).
        case validation
        /// Target `s[n-1]`, history `s[..<n-1]` (the reported figures).
        case test
    }

    public let dataset: Dataset
    /// Dataset user indices of the evaluated users (those with at least three interactions).
    public let users: [Int32]

    public init(dataset: Dataset) {
        self.dataset = dataset
        self.users = dataset.sequences.indices.filter { dataset.sequences[$0].count >= 3 }.map(Int32.init)
    }

    public var itemCount: Int { dataset.items.count }
    public var userCount: Int { users.count }

    /// The training part of every evaluated user's sequence, in `users` order.
    public var trainingSequences: [ArraySlice<Int32>] {
        users.map { dataset.sequences[Int($0)].dropLast(2) }
    }

    /// The model input for the `position`-th evaluated user at `stage`.
    public func history(_ position: Int, stage: Stage) -> ArraySlice<Int32> {
        dataset.sequences[Int(users[position])].dropLast(stage == .test ? 1 : 2)
    }

    /// The held-out item for the `position`-th evaluated user at `stage`.
    public func target(_ position: Int, stage: Stage) -> Int32 {
        let sequence = dataset.sequences[Int(users[position])]
        return sequence[sequence.count - (stage == .test ? 1 : 2)]
    }
}
