import NovarecCore
import NovarecRank

/// Why an item is in a shopper's list, in the shopper's terms, from the figures the ranking
/// used: how rarely it is bought (global novelty and the popularity head), how unlike the
/// shopper's recent items it is (distance in the model's item space), whether its category is
/// new to them, and the history item it connects to.
struct RecommendationReason {
    /// Global novelty from which an item counts as rarely bought.
    static let rareNovelty = 0.6
    /// Distance (1 − cosine) to the nearest recent item from which an item counts as unlike them.
    static let unlikeDistance = 0.6
    /// Recent history items the explanation looks at.
    static let recent = 20

    let space: ItemSpace
    let items: Vocabulary
    let catalogue: Catalogue
    let history: [Int32]
    let fallback: Bool

    func reason(for ranked: RankedItem) -> String {
        let rare = ranked.novelty >= Self.rareNovelty && !space.isHead[Int(ranked.item)]
        if fallback { return rare ? "less-known pick among popular items" : "popular with shoppers" }
        let (distance, nearest) = space.distance(of: ranked.item, toHistory: history, recent: Self.recent)
        var novel: [String] = []
        if rare { novel.append("rarely bought") }
        if nearest != nil, distance >= Self.unlikeDistance { novel.append("unlike your recent items") }
        if let category = newCategory(of: ranked.item) { novel.append("from \(category), a category new to you") }
        let connection = nearest.map { " (connects to \(name(of: $0)))" } ?? ""
        guard novel.isEmpty else { return "new to you: " + novel.joined(separator: ", ") + connection }
        return (ranked.relevance >= 0.8 ? "strongly matches your recent items" : "matches your recent items") + connection
    }

    /// The item's first category when none of its categories is among the recent history's
    /// (nil for an uncategorised item or history).
    private func newCategory(of item: Int32) -> String? {
        guard let categories = catalogue.item(items.id(at: item))?.categories, let first = categories.first else { return nil }
        let seen = Set(history.suffix(Self.recent).flatMap { catalogue.item(items.id(at: $0))?.categories ?? [] })
        guard !seen.isEmpty, seen.isDisjoint(with: categories) else { return nil }
        return first
    }

    /// A history item as the shopper knows it: its title when the catalogue has one, else its id.
    private func name(of item: Int32) -> String {
        let id = items.id(at: item)
        guard let title = catalogue.item(id)?.title, !title.isEmpty else { return "'\(id)'" }
        return "'\(title)'"
    }
}
