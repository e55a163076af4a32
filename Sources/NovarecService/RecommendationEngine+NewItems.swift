import NovarecML
import NovarecRank

extension RecommendationEngine {
    /// `items` with the catalogue item the serving model does not know yet — written after it
    /// was trained — whose text best matches the shopper's latest items, at
    /// `newItemPlacement.rank` (`NewItemPlacement`), the list kept at `k`. Unchanged without
    /// text vectors, without a match, or when the placement is off.
    func placingNewItem(
        in items: [Recommendations.Item], query: RecommendationQuery, history: [String], model: ServingModel
    ) -> [Recommendations.Item] {
        guard let placement = newItemPlacement, itemText.count > 0, let profile = itemText.profile(of: history) else { return items }
        let unwanted = Set(history).union(query.exclude).union(items.map(\.itemID))
        let allowed = { (id: String) -> Bool in
            guard !unwanted.contains(id) else { return false }
            guard let record = self.catalogue.item(id) else { return query.category == nil }
            return record.available && (query.category.map(record.categories.contains) ?? true)
        }
        guard
            let match = itemText.bestUnknownItem(for: profile, version: model.version, items: model.items, placement: placement, allowed: allowed)
        else { return items }
        let reason = RecommendationReason.newItem(
            connectingTo: itemText.closest(to: match.itemID, among: history.suffix(NewItemPlacement.profileLength)), catalogue: catalogue)
        let placed = Recommendations.Item(
            itemID: match.itemID, score: match.similarity, relevance: Double(max(0, match.similarity)), novelty: 1, reason: reason)
        var result = items
        result.insert(placed, at: min(placement.rank - 1, result.count))
        return Array(result.prefix(query.k))
    }
}
