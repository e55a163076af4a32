import Foundation
import NovarecCore
import NovarecML
import NovarecStore

/// Builds a running service's state at start-up: the serving model from a checkpoint of any
/// kind (SASRec or a baseline; or popularity alone), popularity from the stored events, and
/// users' histories from the store.
public enum ServiceBootstrap {
    /// - Parameters:
    ///   - interactions: the store's interactions, read by the caller (after it started listening
    ///     for new events, so that none falls between the read and the listening);
    ///   - historyUsers: users whose history is kept in memory (the others are read from the store);
    ///   - popularityItems: distinct item ids live popularity counts at most.
    public static func make(
        store: EventStore, interactions: StoredInteractions, checkpoint: ModelCheckpoint?, keys: APIKeys = APIKeys([]),
        candidateCacheUsers: Int = 50_000, historyUsers: Int = 1_000_000, popularityItems: Int = 1_000_000
    ) throws -> RecommendationService {
        let itemStore = ItemStore(database: store.database)
        let engine = RecommendationEngine(model: servingModel(checkpoint, interactions: interactions.rows), journal: store,
                                          catalogue: Catalogue(try itemStore.all()), histories: UserHistories(maxUsers: historyUsers),
                                          candidateCacheUsers: candidateCacheUsers)
        engine.popularity.maxItems = popularityItems
        engine.loadHistories(from: interactions)
        return RecommendationService(engine: engine, itemStore: itemStore, keys: keys)
    }

    /// A SASRec checkpoint the coordinator wrote names its registry version and carries its
    /// training popularity: served as such, so the registry's copy of the same model is not
    /// loaded again. Other checkpoints, and popularity alone, take their popularity from the
    /// stored events; models without item embeddings (the baselines) find similar items by
    /// popularity and category.
    private static func servingModel(_ checkpoint: ModelCheckpoint?, interactions: [(user: String, item: String, time: Double)]) -> ServingModel {
        if case .sasrec(let sasrec)? = checkpoint, let version = sasrec.metadata[ServingModel.versionKey],
           let registered = ServingModel(checkpoint: sasrec, version: version) {
            return registered
        }
        let catalogue = checkpoint.map { Vocabulary(orderedIDs: $0.itemIDs) } ?? Vocabulary(distinctIDs: interactions.map(\.item))
        var userCounts = [Int](repeating: 0, count: catalogue.count)
        var seen = Set<String>()
        for interaction in interactions where seen.insert(interaction.user + "\u{1F}" + interaction.item).inserted {
            if let index = catalogue.index(of: interaction.item) { userCounts[Int(index)] += 1 }
        }
        let users = Set(interactions.map(\.user)).count
        guard let checkpoint else { return ServingModel(version: "popularity", model: nil, items: catalogue, userCounts: userCounts, users: users) }
        return ServingModel(checkpoint: checkpoint, version: checkpoint.metadata["data_sha256"].map { String($0.prefix(12)) } ?? "checkpoint",
                            userCounts: userCounts, users: users)
    }
}
