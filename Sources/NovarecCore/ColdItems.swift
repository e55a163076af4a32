/// The cold-start protocol: a seeded share of the catalogue becomes items nobody has
/// interacted with before the test step. Every interaction with them is removed except a user's
/// last (the test target), so a model trained on the result has never seen them, and the users
/// whose test item is one of them measure how well brand-new items are placed.
public struct ColdItems: Sendable {
    /// The items made cold (dense indices), sorted.
    public let items: [Int32]
    /// The dataset without their interactions, test targets kept; same vocabularies and text.
    public let dataset: Dataset

    /// - Parameters:
    ///   - fraction: share of the catalogue made cold, in (0, 1).
    ///   - seed: which items; the same seed picks the same items.
    public init(from dataset: Dataset, fraction: Double, seed: UInt64 = 42) {
        precondition(fraction > 0 && fraction < 1, "the cold share must lie in (0, 1)")
        var random = SeededGenerator(seed: seed)
        let count = Int((fraction * Double(dataset.items.count)).rounded())
        var order = Array(0..<Int32(dataset.items.count))
        order.shuffle(using: &random)
        let cold = Set(order.prefix(count))
        let kept = dataset.sequences.map { sequence in sequence.indices.filter { $0 == sequence.count - 1 || !cold.contains(sequence[$0]) } }
        self.items = cold.sorted()
        self.dataset = Dataset(
            name: dataset.name + " (cold items)", users: dataset.users, items: dataset.items,
            sequences: zip(dataset.sequences, kept).map { sequence, positions in positions.map { sequence[$0] } },
            timestamps: dataset.timestamps.map { times in zip(times, kept).map { times, positions in positions.map { times[$0] } } },
            itemMetadata: dataset.itemMetadata)
    }
}
