import Foundation
import NovarecRank

/// How a serving model turns the `novelty` dial into a list: the item figures re-rankers read,
/// the default re-ranker, and the scale that spaces the dial along this model's measured
/// accuracy–novelty trade-off.
public struct ServingNovelty: Sendable {
    public let space: ItemSpace
    /// The re-ranker requests get unless they name another.
    public let reranker: any Reranker
    /// Served dial → the default re-ranker's own dial.
    public let scale: DialScale
    /// Shoppers the space's popularity was counted over (re-rankers built by name need it).
    let users: Int

    public init(space: ItemSpace, users: Int, reranker: (any Reranker)? = nil, scale: DialScale = .identity) {
        self.space = space
        self.users = users
        self.reranker = reranker ?? Self.defaultReranker(users: users)
        self.scale = scale
    }

    /// The re-ranker chosen by the measured frontier (README, *Novelty*).
    public static func defaultReranker(users: Int) -> any Reranker { TailAffinityPenaltyReranker(users: users) }

    /// The re-ranker called `name`, the default for nil.
    func reranker(named name: String?) throws(RecommendationError) -> any Reranker {
        guard let name, name != reranker.name else { return reranker }
        guard let named = RerankerCatalog.make(name, users: users) else {
            throw .invalid(field: "reranker", detail: "unknown re-ranker '\(name)'; choose from \(RerankerCatalog.names.joined(separator: ", "))")
        }
        return named
    }

    /// Checkpoint metadata key of the dial scale (JSON).
    static let scaleKey = "novarec.dial_scale"

    /// The scale recorded in checkpoint `metadata`, the identity when absent or unreadable.
    static func scale(from metadata: [String: String]) -> DialScale {
        guard let text = metadata[scaleKey], let scale = try? JSONDecoder().decode(DialScale.self, from: Data(text.utf8)) else { return .identity }
        return scale
    }
}
