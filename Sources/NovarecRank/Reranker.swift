/// The one contract every re-ranker fulfils: it picks a request's list from the model's top
/// candidates, trading relevance for novelty as the request's `novelty` dial asks.
///
/// A re-ranker is an immutable value shared by every request. Guarantees checked by the shared
/// contract suite: at most `k` items, all distinct and taken from the candidates (so never a
/// seen or excluded item, which the caller removed); deterministic; dial 0 with diversity 0
/// keeps the model's order; a higher `novelty` dial never lowers the list's mean novelty.
public protocol Reranker: Sendable {
    /// A short stable name ("blend", "popularity-penalty", ...), used in flags, reports and files.
    var name: String { get }

    /// The request's list, best first, from `candidates` (best first, as the model ranked them).
    func rerank(_ candidates: [Candidate], for request: RerankRequest, in space: ItemSpace) -> Ranking
}

/// What one request asks of a re-ranker.
public struct RerankRequest: Sendable {
    /// Length of the list.
    public var k: Int
    /// The re-ranker's own novelty dial in [0, 1]: 0 is the model's order, 1 the most novel
    /// list it makes.
    public var novelty: Double
    /// Weight in [0, 1] of the penalty on similarity to the items already picked.
    public var diversity: Double
    /// The shopper's items, oldest first (dense indices); empty for an unknown shopper.
    public var history: [Int32]

    public init(k: Int, novelty: Double = 0, diversity: Double = 0, history: [Int32] = []) {
        self.k = k
        self.novelty = min(max(novelty, 0), 1)
        self.diversity = min(max(diversity, 0), 1)
        self.history = history
    }
}
