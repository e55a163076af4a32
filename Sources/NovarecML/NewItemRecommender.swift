import NovarecCore

/// A model's scores with the best-matching new item lifted to `placement.rank`
/// (`NewItemPlacement`): new items are those without a single training interaction that have
/// text. What the model itself says about them is kept when it already ranks them higher.
public struct NewItemRecommender: ServingLayer {
    public let base: any Recommender
    public let placement: NewItemPlacement
    /// The items eligible for the reserved place, ascending.
    public let newItems: [Int32]
    private let itemText: ItemTextVectors

    /// - Parameters:
    ///   - itemText: `itemCount × width` text vectors (unit length, zero rows for no text).
    ///   - interactionCounts: training interactions per item; items with none and with text are new.
    public init(base: any Recommender, itemText: ItemTextVectors, interactionCounts: [Int], placement: NewItemPlacement) {
        precondition(itemText.itemCount == base.itemCount, "one text vector per item")
        precondition(interactionCounts.count == base.itemCount, "one count per item")
        self.base = base
        self.placement = placement
        self.itemText = itemText
        self.newItems = interactionCounts.indices.filter { interactionCounts[$0] == 0 && itemText.hasText($0) }.map(Int32.init)
    }

    public var hyperparameters: [String: Double] {
        base.hyperparameters.merging(["new_item_rank": Double(placement.rank), "new_item_threshold": Double(placement.threshold)]) { $1 }
    }

    /// Lifts the new item closest to the history's text just above the item at `placement.rank`.
    public func adjust(_ scores: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        guard !newItems.isEmpty else { return }
        itemText.withRows { vector in
            guard let profile = NewItemPlacement.profile(of: history, vector: vector) else { return }
            let seen = Set(history)
            guard let match = placement.bestMatch(for: profile, among: newItems.lazy.filter { !seen.contains($0) }, vector: vector)
            else { return }
            let ahead = Array(
                TopKSelector.select(UnsafeBufferPointer(scores), k: placement.rank + seen.count + 1)
                    .lazy.filter { $0 != match.item && !seen.contains($0) }.prefix(placement.rank))
            guard ahead.count == placement.rank, let last = ahead.last else { return }
            scores[Int(match.item)] = max(scores[Int(match.item)], scores[Int(last)].nextUp)
        }
    }
}
