/// The one contract every recommender fulfils, from popularity to the Transformer.
///
/// A recommender is an immutable, trained value: `score` may be called from many threads at
/// once. It scores the whole catalogue for one user given that user's history; ranking,
/// exclusion of seen items and re-ranking happen outside the model.
public protocol Recommender: Sendable {
    /// A short stable name ("pop", "itemknn", "ease", ...), used in reports and file names.
    var name: String { get }
    /// The number of catalogue items scored (dense indices `0..<itemCount`).
    var itemCount: Int { get }
    /// The hyper-parameters the model was built with, for reports.
    var hyperparameters: [String: Double] { get }
    /// `itemCount × d` item vectors, row-major, for similar items and similarity-aware
    /// re-ranking; nil for models without an item space (the default).
    var itemEmbeddings: [Float]? { get }

    /// Writes one relevance score per catalogue item into `scores` (higher is better).
    /// - Parameters:
    ///   - history: the user's items, oldest first (dense indices); may be empty.
    ///   - scores: a buffer of exactly `itemCount` elements; every element is overwritten.
    func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>)

    /// Scores several users at once into a row-major `histories.count × itemCount` buffer.
    /// Models whose work batches well (one matrix product for all users) override it.
    func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>)
}

extension Recommender {
    public var itemEmbeddings: [Float]? { nil }

    public func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>) {
        for (row, history) in histories.enumerated() {
            score(history: history, into: UnsafeMutableBufferPointer(rebasing: scores[(row * itemCount)..<((row + 1) * itemCount)]))
        }
    }
}

/// A recommender that serves another one's scores plus something added at serving time — a
/// popularity prior, neighbour or text evidence, a place for new items. Checkpoints store the
/// innermost model's weights and the settings of each layer. A layer supplies `adjust`; name,
/// catalogue, item space and scoring come from its base.
public protocol ServingLayer: Recommender {
    var base: any Recommender { get }
    /// Adds this layer's part to one user's scores, which hold the base's scores.
    func adjust(_ scores: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>)
}

extension ServingLayer {
    public var name: String { base.name }
    public var itemCount: Int { base.itemCount }
    public var itemEmbeddings: [Float]? { base.itemEmbeddings }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        base.score(history: history, into: scores)
        adjust(scores, history: history)
    }

    public func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>) {
        base.score(histories: histories, into: scores)
        for (row, history) in histories.enumerated() {
            adjust(UnsafeMutableBufferPointer(rebasing: scores[(row * itemCount)..<((row + 1) * itemCount)]), history: history)
        }
    }
}

extension Recommender {
    /// The model without what serving adds to it (itself when nothing is added): what
    /// checkpoints store as weights and warm starts continue from.
    public var unadjusted: any Recommender { (self as? any ServingLayer)?.base.unadjusted ?? self }

    /// The outermost layer of type `Layer` in this model's serving layers, if any.
    public func servingLayer<Layer: ServingLayer>(_ type: Layer.Type) -> Layer? {
        if let layer = self as? Layer { return layer }
        return (self as? any ServingLayer)?.base.servingLayer(type)
    }
}
