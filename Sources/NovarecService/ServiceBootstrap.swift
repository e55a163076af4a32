import Foundation
import NovarecCore
import NovarecML
import NovarecStore

/// Builds a running service's state at start-up: the serving model from a checkpoint of any
/// kind (SASRec or a baseline; or popularity alone), popularity from the stored events, and
/// users' histories from the store, all from one streaming read of the stored interactions
/// that keeps only what they need (the histories' budget of users, counts by item).
public enum ServiceBootstrap {
    /// - Parameters:
    ///   - interactions: the store's interactions, read here (the caller started listening for
    ///     new events before, so that none falls between the read and the listening);
    ///   - historyUsers: users whose history is kept in memory (the others are read from the store);
    ///   - popularityItems: distinct item ids live popularity counts at most (and, without a
    ///     model, the most popular items the catalogue starts with).
    ///   - text: the encoder of item text and where new items are placed by it (nil: items are
    ///     served by the model alone); the vectors it stored before are read here.
    public static func make(
        store: EventStore, interactions: StoredInteractions, checkpoint: ModelCheckpoint?, keys: APIKeys = APIKeys([]),
        candidateCacheUsers: Int = 50_000, historyUsers: Int = 1_000_000, popularityItems: Int = 1_000_000,
        text: (encoder: TextEncoder, placement: NewItemPlacement?)? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> RecommendationService {
        let histories = UserHistories(maxUsers: historyUsers)
        var collector = HistoryCollector(limit: histories.limit, maxUsers: histories.maxUsers)
        var counts = ItemUserCounts()
        let snapshot = try interactions.read { row in
            collector.add(row)
            counts.add(row)
        }
        let itemStore = ItemStore(database: store.database)
        let itemText = ItemTextIndex(dimension: text?.encoder.dimension ?? 0)
        if let encoder = text?.encoder {
            for stored in try itemStore.textVectors(model: encoder.name, dimension: encoder.dimension) { itemText.insert(stored.itemID, vector: stored.vector) }
        }
        let engine = RecommendationEngine(
            model: servingModel(checkpoint, counts: counts, maxItems: popularityItems), journal: store,
            catalogue: Catalogue(try itemStore.all()), histories: histories, candidateCacheUsers: candidateCacheUsers,
            itemText: itemText, newItemPlacement: text?.placement)
        engine.popularity.maxItems = popularityItems
        histories.load(collector.finish(), snapshot: snapshot)
        let embedder = text.map { ItemEmbedder(encoder: $0.encoder, index: itemText, store: itemStore, log: log) }
        return RecommendationService(engine: engine, itemStore: itemStore, keys: keys, embedder: embedder)
    }

    /// A SASRec checkpoint the coordinator wrote names its registry version and carries its
    /// training popularity: served as such, so the registry's copy of the same model is not
    /// loaded again. Other checkpoints, and popularity alone, take their popularity from the
    /// stored events; models without item embeddings (the baselines) find similar items by
    /// popularity and category.
    private static func servingModel(_ checkpoint: ModelCheckpoint?, counts: ItemUserCounts, maxItems: Int) -> ServingModel {
        if case .sasrec(let sasrec)? = checkpoint, let version = sasrec.metadata[ServingModel.versionKey],
            let registered = ServingModel(checkpoint: sasrec, version: version)
        {
            return registered
        }
        let catalogue = checkpoint.map { Vocabulary(orderedIDs: $0.itemIDs) } ?? Vocabulary(distinctIDs: counts.mostCommon(maxItems))
        let userCounts = catalogue.ids.map { counts.counts[$0] ?? 0 }
        guard let checkpoint else { return ServingModel(version: "popularity", model: nil, items: catalogue, userCounts: userCounts, users: counts.users) }
        return ServingModel(
            checkpoint: checkpoint, version: checkpoint.metadata["data_sha256"].map { String($0.prefix(12)) } ?? "checkpoint",
            userCounts: userCounts, users: counts.users)
    }
}
