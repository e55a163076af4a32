/// A recommender whose whole trained state is a few named tensors plus its hyper-parameters,
/// so that a `BaselineCheckpoint` stores it and rebuilds it scoring bit for bit the same.
public protocol CheckpointableRecommender: Recommender {
    /// The kind checkpoint metadata names (`novarec.kind`); also the model's `name`.
    static var kind: String { get }
    /// Everything `score` reads, as tensors with names unique within the model.
    var tensors: [SafeTensors.Tensor] { get }
    /// The model from its `tensors` and `hyperparameters`; throws when they do not describe one.
    init(tensors: CheckpointTensors, hyperparameters: [String: Double]) throws(CheckpointError)
}
