/// Descriptive data about a catalogue item: what a shopper would read about it.
public struct ItemMetadata: Sendable, Equatable {
    public var title: String
    public var categories: [String]

    public init(title: String, categories: [String] = []) {
        self.title = title
        self.categories = categories
    }
}

/// A recommendation dataset: every user's chronological interaction sequence over dense item
/// indices, the vocabularies that map those indices back to the original ids, and optional
/// item text.
///
/// Every reader produces this one shape, so the protocol, models and metrics never care which
/// file format the data came from.
public struct Dataset: Sendable {
    public let name: String
    public let users: Vocabulary
    public let items: Vocabulary
    /// `sequences[u]` is user `u`'s items, oldest first (dense indices into `items`).
    public let sequences: [[Int32]]
    /// `timestamps[u][k]` is the Unix time of `sequences[u][k]`, when the source has times.
    public let timestamps: [[Double]]?
    /// Item text by dense item index, when the source has any.
    public let itemMetadata: [Int32: ItemMetadata]

    public init(
        name: String, users: Vocabulary, items: Vocabulary, sequences: [[Int32]],
        timestamps: [[Double]]? = nil, itemMetadata: [Int32: ItemMetadata] = [:]
    ) {
        precondition(sequences.count == users.count, "one sequence per user")
        precondition(timestamps.map { $0.map(\.count) == sequences.map(\.count) } ?? true, "one timestamp per interaction")
        self.name = name
        self.users = users
        self.items = items
        self.sequences = sequences
        self.timestamps = timestamps
        self.itemMetadata = itemMetadata
    }

    public var interactionCount: Int { sequences.reduce(0) { $0 + $1.count } }

    /// A dataset from raw `(user, item, Unix time)` interactions in any order (e.g. an event
    /// log); each user's items are ordered by time, ties in the given order.
    public init(name: String, interactions: [(user: String, item: String, time: Double)]) {
        var accumulator = InteractionAccumulator()
        for (order, interaction) in interactions.enumerated() {
            accumulator.add(user: interaction.user, item: interaction.item, time: interaction.time, tieBreak: Int64(order))
        }
        self = accumulator.build(name: name, timed: true)
    }
}
