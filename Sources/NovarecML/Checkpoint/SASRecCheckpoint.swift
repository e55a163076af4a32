import Foundation

/// A trained SASRec model on disk: a safetensors file whose metadata carries the model
/// configuration, the kind and item vocabulary every checkpoint names (`CheckpointFile`) and
/// any extra facts (training options, validation score). Written atomically; verified on load.
public struct SASRecCheckpoint: EncodedCheckpoint {
    public let model: SASRec
    /// Original item ids, indexed by the model's dense item indices.
    public let itemIDs: [String]
    public let metadata: [String: String]

    static let configurationKey = "novarec.configuration"
    /// The kind its metadata names (`novarec.kind`).
    static let kind = "sasrec"

    public init(model: SASRec, itemIDs: [String], metadata: [String: String] = [:]) {
        precondition(itemIDs.count == model.itemCount, "one id per item")
        self.model = model
        self.itemIDs = itemIDs
        self.metadata = metadata
    }

    /// The safetensors bytes (what `write` stores; what replicas exchange through the database).
    public func encoded() throws -> Data {
        var fullMetadata = try CheckpointFile.metadata(kind: Self.kind, itemIDs: itemIDs, extra: metadata)
        fullMetadata[Self.configurationKey] = try CheckpointFile.json(model.configuration)
        let tensors = model.parameters.entries.map { entry in
            SafeTensors.Tensor(name: entry.name, shape: entry.shape, values: Array(model.parameters[entry.name]))
        }
        return try SafeTensors.encode(tensors, metadata: fullMetadata)
    }

    public static func read(from url: URL) throws -> SASRecCheckpoint {
        let (tensors, metadata) = try CheckpointFile.read(url, invalid: SASRecError.invalidCheckpoint)
        return try make(tensors: tensors, metadata: metadata, source: url.path)
    }

    /// A checkpoint from safetensors bytes; `source` names them in errors.
    public static func decode(_ data: Data, source: String) throws -> SASRecCheckpoint {
        let (tensors, metadata) = try CheckpointFile.decode(data, source: source, invalid: SASRecError.invalidCheckpoint)
        return try make(tensors: tensors, metadata: metadata, source: source)
    }

    /// The checkpoint from a verified file's contents.
    static func make(tensors: [SafeTensors.Tensor], metadata: [String: String], source: String) throws -> SASRecCheckpoint {
        if let kind = metadata[CheckpointFile.kindKey], kind != Self.kind {
            throw SASRecError.invalidCheckpoint("\(source): holds model kind \(kind), not \(Self.kind)")
        }
        guard let configuration = CheckpointFile.value(SASRecConfiguration.self, at: configurationKey, in: metadata),
            let itemIDs = CheckpointFile.itemIDs(in: metadata)
        else {
            throw SASRecError.invalidCheckpoint("\(source): metadata lacks a valid configuration or item list")
        }
        var parameters = ParameterSet()
        for tensor in tensors {
            guard case .f32(let values) = tensor.storage else {
                throw SASRecError.invalidCheckpoint("\(source): tensor '\(tensor.name)' is \(tensor.storage.dtype), not F32")
            }
            let offset = parameters.add(tensor.name, shape: tensor.shape)
            parameters.values.replaceSubrange(offset..<(offset + values.count), with: values)
        }
        let model = try SASRec(configuration: configuration, parameters: parameters)
        guard itemIDs.count == configuration.itemCount else {
            throw SASRecError.invalidCheckpoint("\(source): \(itemIDs.count) item ids for \(configuration.itemCount) items")
        }
        return SASRecCheckpoint(model: model, itemIDs: itemIDs, metadata: metadata)
    }
}

extension SASRecCheckpoint {
    /// Metadata of a model trained with logit adjustment: τ, and the training interaction counts
    /// per item (JSON) its prior was computed from.
    public static let logitAdjustmentKey = "novarec.logit_adjustment", priorCountsKey = "novarec.prior_counts"

    /// Metadata recording a logit adjustment τ and its counts (empty when τ is 0).
    public static func logitAdjustmentMetadata(tau: Float, counts: [Double]) -> [String: String] {
        guard tau > 0, let json = try? CheckpointFile.json(counts.map { Int($0) }) else { return [:] }
        return [logitAdjustmentKey: String(tau), priorCountsKey: json]
    }

    /// The model as served at novelty 0: with its popularity prior added back when it was trained
    /// with logit adjustment (τ and the counts from the metadata), the plain model otherwise.
    public func servedModel() -> any Recommender {
        guard let tau = metadata[Self.logitAdjustmentKey].flatMap(Float.init), tau > 0,
            let counts = CheckpointFile.value([Double].self, at: Self.priorCountsKey, in: metadata), counts.count == model.itemCount
        else { return model }
        return LogitAdjustedRecommender(base: model, prior: LogitAdjustedRecommender.prior(counts: counts, tau: tau))
    }
}
