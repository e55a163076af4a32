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
            // Each stored id once, however often the batch repeated it: memory follows the database.
            var fresh = result.storedIDs
            let stored = events.filter { fresh.remove($0.eventID) != nil }.sorted { $0.timestamp < $1.timestamp }
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

    /// Seconds the previous model may still answer cached users not yet re-scored (0: no handover).
    public var handoverSecondsLeft: Double { models.handoverSecondsLeft }

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

    /// What the similarity was measured on.
    public enum Basis: String, Sendable {
        /// The serving model's item vectors.
        case model
        /// The items' text vectors: an item the model has not seen yet.
        case text
        /// None: the most popular items sharing a category.
        case popularity
    }

    public let itemID: String
    public let items: [Item]
    public let modelVersion: String
    public let basis: Basis
    /// True when popularity answered.
    public var fallback: Bool { basis == .popularity }
}

extension RecommendationEngine {
    /// With a model that has item vectors: the items closest (cosine) to `id`. For an item the
    /// model does not know yet: the items whose text is closest to its text, once its text
    /// vector is ready. Otherwise the most popular items sharing a category with it, marked
    /// `fallback`. The item itself and unavailable items are never returned.
    public func similar(to id: String, k: Int) throws(RecommendationError) -> SimilarItems {
        guard (1...100).contains(k) else { throw .invalid(field: "k", detail: "must be an integer between 1 and 100") }
        let model = model
        let index = model.items.index(of: id)
        let record = catalogue.item(id)
        guard index != nil || record != nil else { throw .unknownItem(id) }
        let useModel = index != nil && !model.similarity.isEmpty
        if !useModel, let byText = itemText.nearest(to: id, k: k, allowed: { self.catalogue.item($0)?.available ?? true }) {
            let items = byText.map { SimilarItems.Item(itemID: $0.itemID, similarity: Double($0.similarity)) }
            return SimilarItems(itemID: id, items: items, modelVersion: model.version, basis: .text)
        }
        var scores = if let index, useModel { model.similarity.similarities(to: index) } else { popularity.scores(for: model.items, key: model.version) }
        scores.withUnsafeMutableBufferPointer { buffer in
            if let index { buffer[Int(index)] = -.infinity }
            for item in catalogue.unavailable(in: model.items) { buffer[Int(item)] = -.infinity }
            if !useModel, let categories = record?.categories, !categories.isEmpty { catalogue.restrict(buffer, items: model.items, to: categories) }
        }
        let top = scores.withUnsafeBufferPointer { TopKSelector.select($0, k: k) }
        let items = top.map { SimilarItems.Item(itemID: model.items.id(at: $0), similarity: useModel ? Double(scores[Int($0)]) : nil) }
        return SimilarItems(itemID: id, items: items, modelVersion: model.version, basis: useModel ? .model : .popularity)
    }
}
