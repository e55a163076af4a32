import Foundation
import NovarecCore
import NovarecRank
import NovarecStore

extension RecommendationEngine {
    /// Stores `events` durably through the journal (one transaction) and then takes the stored
    /// ones — not the duplicates — in, in time order, so the very next request sees them:
    /// interactions into users' histories and live popularity, impressions into the rotation log.
    public func ingest(_ events: [BehaviourEvent]) throws -> EventStore.InsertResult {
        guard let journal else { throw RecommendationError.readOnly }
        let result = try journal.insert(events)
        if let transaction = result.transaction {
            let stored = events.filter { result.storedIDs.contains($0.eventID) }.sorted { $0.timestamp < $1.timestamp }
            let interactions = stored.filter(\.kind.isInteraction).map { (user: $0.userID, item: $0.itemID) }
            impressions.record(stored.filter { !$0.kind.isInteraction }.map { (user: $0.userID, item: $0.itemID) })
            impressions.clear(interactions)
            accept(interactions, transaction: transaction)
        }
        return result
    }

    /// Erases `user`: their events are deleted from the journal (with a record that keeps them
    /// from coming back) and their live state — history, cached list, impressions, their share
    /// of live popularity — is dropped here; other replicas drop theirs on the announcement.
    public func erase(user: String) throws -> EventStore.ErasureResult {
        guard let journal else { throw RecommendationError.readOnly }
        let result = try journal.erase(user: user)
        forget(user: user, transaction: result.transaction)
        return result
    }

    /// Drops `user`'s live state, erased by `transaction`.
    func forget(user: String, transaction: UInt64) {
        let items = histories.remove(user: user, transaction: transaction)
        candidates.remove(user: user)
        impressions.forget(user: user)
        popularity.forget(items: items ?? [])
    }

    /// Service gauges in Prometheus text format.
    public func prometheusText() -> String {
        let model = model
        let kind = model.model?.name ?? "popularity"
        let reads = histories.storeReadCounts
        return """
            # HELP novarec_model_info The serving model (value 1).
            # TYPE novarec_model_info gauge
            novarec_model_info{version="\(model.version)",kind="\(kind)"} 1
            # HELP novarec_catalogue_items Items the serving model scores.
            # TYPE novarec_catalogue_items gauge
            novarec_catalogue_items \(model.items.count)
            # HELP novarec_known_users Users with an in-memory history.
            # TYPE novarec_known_users gauge
            novarec_known_users \(histories.userCount)
            # HELP novarec_history_users_budget Users whose history may be kept in memory (--history-users).
            # TYPE novarec_history_users_budget gauge
            novarec_history_users_budget \(histories.maxUsers)
            # HELP novarec_history_store_reads_total Histories read from the database for one user (dropped from memory or incomplete).
            # TYPE novarec_history_store_reads_total counter
            novarec_history_store_reads_total{outcome="read"} \(reads.reads - reads.failed)
            novarec_history_store_reads_total{outcome="failed"} \(reads.failed)
            # HELP novarec_popularity_items Distinct item ids live popularity counts.
            # TYPE novarec_popularity_items gauge
            novarec_popularity_items \(popularity.countedItems)
            # HELP novarec_popularity_items_budget Distinct item ids live popularity may count (--popularity-items).
            # TYPE novarec_popularity_items_budget gauge
            novarec_popularity_items_budget \(popularity.maxItems)
            # HELP novarec_handover_seconds_left Seconds the previous model may still answer cached users not yet re-scored (0: no handover).
            # TYPE novarec_handover_seconds_left gauge
            novarec_handover_seconds_left \(String(format: "%.1f", max(models.handoverEnds.timeIntervalSinceNow, 0)))

            """ + served.prometheusText()
    }

    /// Whether this replica can serve recommendations and store events now, and why not.
    public func readiness() -> Readiness {
        var readiness = Readiness(serve: model.model != nil, write: journal?.isReachable() ?? false, reasons: [])
        if !readiness.serve { readiness.reasons.append("no trained model loaded (serving popularity)") }
        if journal == nil {
            readiness.reasons.append("read-only engine: no event journal")
        } else if !readiness.write {
            readiness.reasons.append("database unreachable: events and items cannot be stored; recommendations are served from memory")
        }
        return readiness
    }
}

/// What `/readyz` reports: a replica that can serve takes traffic even while it cannot write
/// (reads come from memory; writes answer 503 with `Retry-After` until the database is back).
public struct Readiness: Sendable, Equatable, Encodable {
    /// A trained model answers (not only the popularity fallback).
    public var serve: Bool
    /// The database answers, so events and items can be stored.
    public var write: Bool
    public var reasons: [String]
}

/// The items most like one item ("more like this").
public struct SimilarItems: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let itemID: String
        /// Cosine similarity in [-1, 1]; nil on the popularity fallback.
        public let similarity: Double?
    }

    public let itemID: String
    public let items: [Item]
    public let modelVersion: String
    public let fallback: Bool
}

extension RecommendationEngine {
    /// With a model that has item vectors: the items closest (cosine) to `id`. Without one, or
    /// for an item the model does not know yet: the most popular items sharing a category with
    /// it, marked `fallback`. The item itself and unavailable items are never returned.
    public func similar(to id: String, k: Int) throws(RecommendationError) -> SimilarItems {
        guard (1...100).contains(k) else { throw .invalid(field: "k", detail: "must be an integer between 1 and 100") }
        let model = model
        let index = model.items.index(of: id)
        let record = catalogue.item(id)
        guard index != nil || record != nil else { throw .unknownItem(id) }
        let useModel = index != nil && !model.similarity.isEmpty
        var scores = if let index, useModel { model.similarity.similarities(to: index) } else { popularity.scores(for: model.items, key: model.version) }
        scores.withUnsafeMutableBufferPointer { buffer in
            if let index { buffer[Int(index)] = -.infinity }
            for item in catalogue.unavailable(in: model.items) { buffer[Int(item)] = -.infinity }
            if !useModel, let categories = record?.categories, !categories.isEmpty { catalogue.restrict(buffer, items: model.items, to: categories) }
        }
        let top = scores.withUnsafeBufferPointer { TopKSelector.select($0, k: k) }
        let items = top.map { SimilarItems.Item(itemID: model.items.id(at: $0), similarity: useModel ? Double(scores[Int($0)]) : nil) }
        return SimilarItems(itemID: id, items: items, modelVersion: model.version, fallback: !useModel)
    }
}
