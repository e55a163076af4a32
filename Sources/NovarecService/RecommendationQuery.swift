/// What one recommendation request asks for, whatever transport it came by.
public struct RecommendationQuery: Sendable, Equatable {
    /// The longest explicit history a request may send.
    public static let maxHistory = 1_000
    /// The most items a request may exclude (GET `exclude=a,b` or POST `exclude`): enough for
    /// any page's "already shown or in the basket" list, few enough that a request stays cheap.
    public static let maxExcluded = 1_000

    /// The shopper; nil for an anonymous session that sends its own history.
    public var user: String?
    /// An explicit history (external item ids, oldest first); nil means the user's stored one.
    public var history: [String]?
    public var k = 10
    /// The served novelty dial in [0, 1]: 0 the most accurate list, 1 the most novel one the
    /// engine serves, values between spaced along the serving model's measured trade-off.
    public var novelty = 0.0
    /// Weight in [0, 1] of the penalty on similarity between the list's items.
    public var diversity = 0.0
    /// Items never to return (external ids).
    public var exclude: [String] = []
    /// Only items of this category.
    public var category: String?
    /// A re-ranker by name instead of the serving model's default (for comparisons).
    public var reranker: String?
    /// Items the shopper was already shown (`impression` events) lose ground, so successive
    /// lists rotate through the relevant items instead of repeating one list.
    public var rotate = true

    public init(
        user: String? = nil, history: [String]? = nil, k: Int = 10, novelty: Double = 0, diversity: Double = 0,
        exclude: [String] = [], category: String? = nil, reranker: String? = nil, rotate: Bool = true
    ) {
        self.user = user
        self.history = history
        self.k = k
        self.novelty = novelty
        self.diversity = diversity
        self.exclude = exclude
        self.category = category
        self.reranker = reranker
        self.rotate = rotate
    }
}

/// The engine's answer to a `RecommendationQuery`.
public struct Recommendations: Sendable, Equatable {
    /// One recommended item with the figures that placed it and why.
    public struct Item: Sendable, Equatable {
        public let itemID: String
        /// The model's raw score.
        public let score: Float
        /// Relevance normalised to [0, 1] over the candidates.
        public let relevance: Double
        /// Global novelty (normalised self-information) in [0, 1].
        public let novelty: Double
        /// Why this item, in the shopper's terms, from the figures the ranking used.
        public let reason: String
    }

    public let items: [Item]
    public let modelVersion: String
    /// True when the user is unknown to the model and popularity answered.
    public let fallback: Bool
    /// Mean novelty of the list as served.
    public let novelty: Double
    public let user: String?
}

/// Why the engine cannot answer a query: the transport maps these to its own errors.
public enum RecommendationError: Error, Equatable, CustomStringConvertible {
    /// A field of the query is out of range.
    case invalid(field: String, detail: String)
    /// The item asked about is in neither the model nor the catalogue.
    case unknownItem(String)
    /// The engine has no durable journal to ingest into (offline use).
    case readOnly

    public var description: String {
        switch self {
        case .invalid(let field, let detail): "\(field): \(detail)"
        case .unknownItem(let id): "no item '\(id)' in the catalogue or the model"
        case .readOnly: "this engine has no event journal"
        }
    }
}
