import Foundation
import NovarecCore
import NovarecML
import NovarecRank

/// Everything a recommendation request reads, as one immutable value: the model, the catalogue
/// it scores, the popularity fallback and the novelty figures. Swapped atomically as a whole, so
/// a request finishes on the model it started with.
public struct ServingModel: Sendable {
    public let version: String
    /// The trained model; nil means every request gets the popularity fallback.
    public let model: (any Recommender)?
    public let items: Vocabulary
    /// Distinct users per item when the model was loaded: where live popularity starts.
    public let userCounts: [Int]
    /// Items in the popularity head (the most popular ones making up 20 % of the counts);
    /// the rest is the long tail.
    public let isHead: [Bool]
    public let reranker: NoveltyReranker
    /// Cosine similarity of item embeddings (empty without a trained model).
    let similarity: ItemSimilarity

    /// - Parameters:
    ///   - items: the catalogue, by the model's dense indices.
    ///   - userCounts: distinct users per item in the data the model was trained on.
    ///   - users: the number of users in that data.
    ///   - embeddings: `items.count × d` item vectors for the diversity dial's cosine similarity.
    public init(version: String, model: (any Recommender)?, items: Vocabulary, userCounts: [Int], users: Int, embeddings: [Float]? = nil) {
        precondition(userCounts.count == items.count && (model?.itemCount ?? items.count) == items.count)
        self.version = version
        self.model = model
        self.items = items
        self.userCounts = userCounts
        self.isHead = PopularityStatistics.head(of: userCounts)
        let novelty = NoveltyReranker.normalisedSelfInformation(userCounts: userCounts, users: users)
        let similarity = ItemSimilarity(embeddings: embeddings, count: items.count)
        self.similarity = similarity
        self.reranker = NoveltyReranker(itemNovelty: novelty) { similarity.cosine($0, $1) }
    }

    /// A SASRec checkpoint served with popularity from `userCounts` (aligned with its items).
    public init(checkpoint: SASRecCheckpoint, version: String, userCounts: [Int], users: Int) {
        let embeddings = Array(checkpoint.model.parameters["item_embedding.weight"])
        self.init(version: version, model: checkpoint.model, items: Vocabulary(orderedIDs: checkpoint.itemIDs),
                  userCounts: userCounts, users: users, embeddings: embeddings)
    }

    /// A SASRec checkpoint with the popularity it was trained with (`popularityMetadata`), so
    /// every replica serving it computes the same novelty figures; nil when the checkpoint lacks it.
    public init?(checkpoint: SASRecCheckpoint, version: String) {
        guard let countsText = checkpoint.metadata[Self.userCountsKey], let users = checkpoint.metadata[Self.usersKey].flatMap(Int.init),
              let counts = try? JSONDecoder().decode([Int].self, from: Data(countsText.utf8)), counts.count == checkpoint.itemIDs.count else {
            return nil
        }
        self.init(checkpoint: checkpoint, version: version, userCounts: counts, users: users)
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

/// Cosine similarity between item vectors, rows normalised once.
struct ItemSimilarity: Sendable {
    private let rows: [Float]
    private let width: Int

    init(embeddings: [Float]?, count: Int) {
        guard let embeddings, count > 0 else {
            (rows, width) = ([], 0)
            return
        }
        let width = embeddings.count / count
        var rows = embeddings
        for item in 0..<count {
            let range = (item * width)..<((item + 1) * width)
            let norm = rows[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for j in range { rows[j] /= norm } }
        }
        (self.rows, self.width) = (rows, width)
    }

    /// False without embeddings: every similarity is then 0.
    var isEmpty: Bool { width == 0 }

    func cosine(_ a: Int32, _ b: Int32) -> Double {
        guard width > 0 else { return 0 }
        return rows.withUnsafeBufferPointer { Double(Self.dot($0.baseAddress! + Int(a) * width, $0.baseAddress! + Int(b) * width, width)) }
    }

    /// Every item's cosine similarity to `item`, by dense index.
    func similarities(to item: Int32) -> [Float] {
        guard width > 0 else { return [] }
        return rows.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!, target = base + Int(item) * width
            return (0..<(buffer.count / width)).map { Self.dot(base + $0 * width, target, width) }
        }
    }

    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum: Float = 0
        for j in 0..<count { sum += a[j] * b[j] }
        return sum
    }
}
