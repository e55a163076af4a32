import Foundation
import NovarecCore
import NovarecML
import NovarecRank

/// Everything a recommendation request reads, as one immutable value: the model, the catalogue
/// it scores, the popularity fallback and the novelty figures. Swapped atomically as a whole, so
/// a request finishes on the model it started with. A class, so a request holding it costs one
/// reference count, not one per field.
public final class ServingModel: Sendable {
    public let version: String
    /// The trained model; nil means every request gets the popularity fallback.
    public let model: (any Recommender)?
    public let items: Vocabulary
    /// Distinct users per item when the model was loaded: where live popularity starts.
    public let userCounts: [Int]
    /// Item novelty, the popularity head, item similarity, the default re-ranker and the dial scale.
    public let novelty: ServingNovelty

    /// - Parameters:
    ///   - items: the catalogue, by the model's dense indices.
    ///   - userCounts: distinct users per item in the data the model was trained on.
    ///   - users: the number of users in that data.
    ///   - embeddings: `items.count × d` item vectors (similar items, diversity, personal novelty).
    ///   - scale: the dial scale measured for this model.
    public init(
        version: String, model: (any Recommender)?, items: Vocabulary, userCounts: [Int], users: Int, embeddings: [Float]? = nil,
        scale: DialScale = .identity
    ) {
        precondition(userCounts.count == items.count && (model?.itemCount ?? items.count) == items.count)
        self.version = version
        self.model = model
        self.items = items
        self.userCounts = userCounts
        let space = ItemSpace(userCounts: userCounts, users: users, embeddings: embeddings)
        self.novelty = ServingNovelty(space: space, users: users, scale: scale)
    }

    private init(_ other: ServingModel, novelty: ServingNovelty) {
        (version, model, items, userCounts) = (other.version, other.model, other.items, other.userCounts)
        self.novelty = novelty
    }

    /// The same model with another dial scale.
    public func withScale(_ scale: DialScale) -> ServingModel {
        ServingModel(self, novelty: ServingNovelty(space: novelty.space, users: novelty.users, reranker: novelty.reranker, scale: scale))
    }

    /// Items in the popularity head; the rest is the long tail.
    public var isHead: [Bool] { novelty.space.isHead }

    /// Cosine similarity of item embeddings (empty without a trained model).
    var similarity: ItemSimilarity { novelty.space.similarity }

    /// A checkpoint of any kind served with popularity from `userCounts` (aligned with its items):
    /// the model as served at novelty 0, its item vectors, the dial scale it carries.
    public convenience init(checkpoint: ModelCheckpoint, version: String, userCounts: [Int], users: Int) {
        let model = checkpoint.recommender
        self.init(
            version: version, model: model, items: Vocabulary(orderedIDs: checkpoint.itemIDs), userCounts: userCounts, users: users,
            embeddings: model.itemEmbeddings, scale: ServingNovelty.scale(from: checkpoint.metadata))
    }

    /// A SASRec checkpoint with the popularity it was trained with (`popularityMetadata`), so
    /// every replica serving it computes the same novelty figures; nil when the checkpoint lacks it.
    public convenience init?(checkpoint: SASRecCheckpoint, version: String) {
        guard let countsText = checkpoint.metadata[Self.userCountsKey], let users = checkpoint.metadata[Self.usersKey].flatMap(Int.init),
            let counts = try? JSONDecoder().decode([Int].self, from: Data(countsText.utf8)), counts.count == checkpoint.itemIDs.count
        else {
            return nil
        }
        self.init(checkpoint: .sasrec(checkpoint), version: version, userCounts: counts, users: users)
    }

    static let userCountsKey = "novarec.user_counts", usersKey = "novarec.users"
    /// Checkpoint metadata naming the registry version (checkpoints the coordinator wrote).
    static let versionKey = "novarec.version"

    /// Checkpoint metadata recording the training popularity (distinct users per item, and users).
    public static func popularityMetadata(userCounts: [Int], users: Int) -> [String: String] {
        let counts = (try? JSONEncoder().encode(userCounts)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [userCountsKey: counts, usersKey: String(users)]
    }
}
