import NovarecCore

/// A recommender trained on one catalogue, seen through another: histories are translated to
/// its item indices (items it does not know are dropped) and its scores are laid out along the
/// new catalogue, items it cannot score just below its lowest score of the row. This is how the serving model and
/// a freshly trained candidate are compared on the same data, although the catalogue has grown
/// since the serving model was trained.
public struct RemappedRecommender: Recommender {
    public let base: any Recommender
    /// `toBase[i]`: the base model's index of new item `i`, or -1.
    private let toBase: [Int32]

    /// - Parameters:
    ///   - baseItems: the base model's catalogue (index `i` is its item `i`).
    ///   - items: the catalogue to score.
    public init(_ base: any Recommender, baseItems: Vocabulary, items: Vocabulary) {
        precondition(baseItems.count == base.itemCount, "one id per base item")
        self.base = base
        self.toBase = items.ids.map { baseItems.index(of: $0) ?? -1 }
    }

    public var name: String { base.name }
    public var itemCount: Int { toBase.count }
    public var hyperparameters: [String: Double] { base.hyperparameters }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        score(histories: [history], into: scores)
    }

    public func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>) {
        let translated = histories.map { $0.compactMap { toBase[Int($0)] >= 0 ? toBase[Int($0)] : nil }[...] }
        let width = base.itemCount
        var baseScores = [Float](repeating: 0, count: histories.count * width)
        baseScores.withUnsafeMutableBufferPointer { base.score(histories: translated, into: $0) }
        for row in 0..<histories.count {
            // Items the base model does not know score just below every known one (the contract wants finite scores).
            let floor = (baseScores[(row * width)..<((row + 1) * width)].min() ?? 0) - 1
            for (item, baseItem) in toBase.enumerated() {
                scores[row * itemCount + item] = baseItem >= 0 ? baseScores[row * width + Int(baseItem)] : floor
            }
        }
    }
}
