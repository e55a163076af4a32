/// A candidate item and the model's relevance score for it: what a re-ranker chooses from.
public struct Candidate: Sendable, Equatable {
    /// Dense index in the serving model's catalogue.
    public let item: Int32
    /// The model's raw score (higher is more relevant).
    public let relevance: Float

    public init(item: Int32, relevance: Float) {
        self.item = item
        self.relevance = relevance
    }
}

/// One recommended item with the figures that placed it.
public struct RankedItem: Sendable, Equatable {
    public let item: Int32
    /// The model's raw score, as given in the candidate.
    public let score: Float
    /// Relevance normalised to [0, 1] over the candidates (1: the best candidate).
    public let relevance: Double
    /// The item's global novelty: normalised self-information in [0, 1] (0: everybody has it).
    public let novelty: Double

    public init(item: Int32, score: Float, relevance: Double, novelty: Double) {
        self.item = item
        self.score = score
        self.relevance = relevance
        self.novelty = novelty
    }
}

/// A re-ranked list, best first, and its achieved novelty.
public struct Ranking: Sendable, Equatable {
    public let items: [RankedItem]

    public init(items: [RankedItem]) { self.items = items }

    /// Mean global novelty of the list (0 for an empty list).
    public var meanNovelty: Double { items.isEmpty ? 0 : items.reduce(0) { $0 + $1.novelty } / Double(items.count) }
}
