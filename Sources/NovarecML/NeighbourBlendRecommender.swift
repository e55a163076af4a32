/// A model's scores plus item-to-item neighbour evidence: `score + weight · knn(item)`, with
/// `knn` the item-based nearest-neighbour score of the shopper's last items (`ItemKNN`).
///
/// The Transformer learns one vector per item, so an item with a handful of purchases has a
/// barely trained vector and is placed poorly — exactly the long-tail items a novelty-seeking
/// list needs. Co-occurrence needs no training: three shoppers who bought a rare serum along
/// with a cleanser are evidence the Transformer's vectors cannot hold. With shrink 0 the cosine
/// does not discount rare items, so that evidence lifts the right tail items, not just any.
public struct NeighbourBlendRecommender: ServingLayer {
    public let base: any Recommender
    public let evidence: NeighbourEvidence

    public init(base: any Recommender, evidence: NeighbourEvidence) {
        precondition(base.itemCount == evidence.neighbours.itemCount, "both models score the same catalogue")
        self.base = base
        self.evidence = evidence
    }

    public var hyperparameters: [String: Double] { base.hyperparameters.merging(["neighbour_weight": Double(evidence.weight)]) { $1 } }

    public func adjust(_ scores: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        evidence.neighbours.addScores(history: history, weight: evidence.weight, into: scores)
    }
}

/// Item neighbours and how much their score is worth in a model's score units: what a
/// Transformer checkpoint carries besides its weights (`SASRecCheckpoint.neighbours`).
public struct NeighbourEvidence: Sendable {
    public let neighbours: ItemKNN
    public let weight: Float

    public init(neighbours: ItemKNN, weight: Float) {
        self.neighbours = neighbours
        self.weight = weight
    }

    /// The settings chosen for Transformer checkpoints: cosine without shrink (rare items keep
    /// their full similarity), the last three items, each step back worth 0.7 of the next.
    public static let configuration = ItemKNN.Configuration(shrink: 0, neighbourhood: 3, decay: 0.7)

    /// `base` with this evidence added; `base` itself when the weight is 0.
    public func blended(with base: any Recommender) -> any Recommender {
        weight > 0 ? NeighbourBlendRecommender(base: base, evidence: self) : base
    }
}

extension Recommender {
    /// The neighbour evidence a served model adds to its base, if any.
    public var neighbourEvidence: NeighbourEvidence? { servingLayer(NeighbourBlendRecommender.self)?.evidence }
}

extension NeighbourEvidence {
    /// What a checkpoint stores besides the neighbours' tensors: their settings and the weight.
    var settings: [String: Double] { neighbours.hyperparameters.merging(["weight": Double(weight)]) { $1 } }

    /// The evidence from its stored tensors and `settings`; a missing or out-of-range weight is refused.
    init(tensors: CheckpointTensors, settings: [String: Double]) throws(CheckpointError) {
        guard let weight = settings["weight"].map(Float.init), weight.isFinite, weight >= 0 else {
            throw CheckpointError("the weight is missing or not a finite number ≥ 0")
        }
        self.init(neighbours: try ItemKNN(tensors: tensors, hyperparameters: settings), weight: weight)
    }
}
