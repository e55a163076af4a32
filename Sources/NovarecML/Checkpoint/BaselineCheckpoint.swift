import Foundation

/// A trained baseline — popularity, ItemKNN or EASE — on disk: a safetensors file whose metadata
/// names the kind (`novarec.kind`: pop, itemknn or ease), the item vocabulary (as a
/// `SASRecCheckpoint` does), the hyper-parameters (`novarec.hyperparameters`, JSON) and any
/// extra facts, and whose tensors hold what the model scores from. Written atomically; verified
/// on load.
public struct BaselineCheckpoint: EncodedCheckpoint {
    public let model: any CheckpointableRecommender
    /// Original item ids, indexed by the model's dense item indices.
    public let itemIDs: [String]
    public let metadata: [String: String]

    static let hyperparametersKey = "novarec.hyperparameters"

    /// The models a baseline checkpoint can hold.
    static var modelTypes: [any CheckpointableRecommender.Type] { [MostPopular.self, ItemKNN.self, EASE.self] }

    public init(model: any CheckpointableRecommender, itemIDs: [String], metadata: [String: String] = [:]) {
        precondition(itemIDs.count == model.itemCount, "one id per item")
        self.model = model
        self.itemIDs = itemIDs
        self.metadata = metadata
    }

    /// The safetensors bytes `write` stores.
    public func encoded() throws -> Data {
        var fullMetadata = try CheckpointFile.metadata(kind: type(of: model).kind, itemIDs: itemIDs, extra: metadata)
        fullMetadata[Self.hyperparametersKey] = try CheckpointFile.json(model.hyperparameters)
        return try SafeTensors.encode(model.tensors, metadata: fullMetadata)
    }

    public static func read(from url: URL) throws(CheckpointError) -> BaselineCheckpoint {
        let (tensors, metadata) = try CheckpointFile.read(url, invalid: CheckpointError.init)
        return try make(tensors: tensors, metadata: metadata, source: url.path)
    }

    /// A checkpoint from safetensors bytes; `source` names them in errors.
    public static func decode(_ data: Data, source: String) throws(CheckpointError) -> BaselineCheckpoint {
        let (tensors, metadata) = try CheckpointFile.decode(data, source: source, invalid: CheckpointError.init)
        return try make(tensors: tensors, metadata: metadata, source: source)
    }

    /// The checkpoint from a verified file's contents.
    static func make(tensors: [SafeTensors.Tensor], metadata: [String: String], source: String) throws(CheckpointError) -> BaselineCheckpoint {
        let kind = metadata[CheckpointFile.kindKey] ?? "(none)"
        guard let type = modelTypes.first(where: { $0.kind == kind }) else {
            throw CheckpointError("\(source): model kind \(kind) is not one of \(modelTypes.map { $0.kind }.joined(separator: ", "))")
        }
        guard let itemIDs = CheckpointFile.itemIDs(in: metadata),
            let hyperparameters = CheckpointFile.value([String: Double].self, at: hyperparametersKey, in: metadata)
        else {
            throw CheckpointError("\(source): metadata lacks a valid item list or hyper-parameters")
        }
        let model: any CheckpointableRecommender
        do {
            model = try type.init(tensors: CheckpointTensors(tensors), hyperparameters: hyperparameters)
        } catch {
            throw CheckpointError("\(source): \(kind): \(error.reason)")
        }
        guard model.itemCount == itemIDs.count else {
            throw CheckpointError("\(source): \(itemIDs.count) item ids for \(model.itemCount) items")
        }
        return BaselineCheckpoint(model: model, itemIDs: itemIDs, metadata: metadata)
    }
}
