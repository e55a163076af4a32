import NovarecCore
import NovarecRank
import NovarecStore

/// Why an item is in a shopper's list, in the shopper's terms, from the figures the ranking
/// used: how rarely it is bought (global novelty and the popularity head), how unlike the
/// shopper's recent items it is (distance in the model's item space), whether its category is
/// new to them, and the history item it connects to. The catalogue is read once per list.
enum RecommendationReason {
    /// Global novelty from which an item counts as rarely bought.
    static let rareNovelty = 0.6
    /// Distance (1 − cosine) to the nearest recent item from which an item counts as unlike them.
    static let unlikeDistance = 0.6
    /// Recent history items the explanation looks at.
    static let recent = 20

    /// One reason per ranked item.
    static func reasons(for ranking: Ranking, space: ItemSpace, items: Vocabulary, catalogue: Catalogue, history: [Int32], fallback: Bool) -> [String] {
        if fallback {
            return ranking.items.map { isRare($0, space) ? "less-known pick among popular items" : "popular with shoppers" }
        }
        let recent = history.suffix(Self.recent)
        let nearest = ranking.items.map { space.distance(of: $0.item, toHistory: history, recent: Self.recent) }
        let records =
            catalogue.describesItems
            ? catalogue.records((ranking.items.map(\.item) + recent + nearest.compactMap(\.nearest)).map { items.id(at: $0) }) : [:]
        let seen = records.isEmpty ? [] : Set(recent.flatMap { records[items.id(at: $0)]?.categories ?? [] })
        return zip(ranking.items, nearest).map { ranked, closest in
            // One string grown in place: this runs for every item of every answer.
            var reason = ""
            reason.reserveCapacity(128)
            func novel(_ part: String) {
                reason += reason.isEmpty ? "new to you: " : ", "
                reason += part
            }
            if isRare(ranked, space) { novel("rarely bought") }
            if closest.nearest != nil, closest.distance >= Self.unlikeDistance { novel("unlike your recent items") }
            if !seen.isEmpty, let categories = records[items.id(at: ranked.item)]?.categories, let first = categories.first,
                seen.isDisjoint(with: categories)
            {
                novel("from \(first), a category new to you")
            }
            if reason.isEmpty { reason += ranked.relevance >= 0.8 ? "strongly matches your recent items" : "matches your recent items" }
            if let connected = closest.nearest { appendName(of: items.id(at: connected), records, to: &reason) }
            return reason
        }
    }

    /// The reason of a new item placed by its text (`NewItemPlacement`), naming the recent
    /// item its text is closest to when there is one.
    static func newItem(connectingTo recent: String?, catalogue: Catalogue) -> String {
        var reason = "new in the catalogue: its description matches your recent items"
        if let recent { appendName(of: recent, catalogue.records([recent]), to: &reason) }
        return reason
    }

    private static func isRare(_ ranked: RankedItem, _ space: ItemSpace) -> Bool {
        ranked.novelty >= rareNovelty && !space.isHead[Int(ranked.item)]
    }

    /// " (connects to 'NAME')" for a history item: its title when the catalogue has one, else its id.
    private static func appendName(of id: String, _ records: [String: ItemRecord], to reason: inout String) {
        let title = records[id]?.title ?? ""
        reason += " (connects to '"
        reason += title.isEmpty ? id : title
        reason += "')"
    }
}
