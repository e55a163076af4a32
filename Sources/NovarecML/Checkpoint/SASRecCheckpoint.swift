import Foundation

/// A trained SASRec model on disk: a safetensors file whose metadata carries the model
/// configuration, the kind and item vocabulary every checkpoint names (`CheckpointFile`) and
/// any extra facts (training options, validation score), and the item neighbours it is served
/// with (`neighbours.*` tensors). Written atomically; verified on load.
public struct SASRecCheckpoint: EncodedCheckpoint {
    public let model: SASRec
    /// Original item ids, indexed by the model's dense item indices.
    public let itemIDs: [String]
    public let metadata: [String: String]
    /// Item-to-item evidence added to the model's scores when served (nil: none).
    public let neighbours: NeighbourEvidence?

    static let configurationKey = "novarec.configuration"
    /// Metadata key of the neighbours' settings and weight (JSON); their tensors carry `neighbourPrefix`.
    static let neighboursKey = "novarec.neighbours", neighbourPrefix = "neighbours."
    /// The tensor of a text-aware model's frozen item text vectors.
    static let itemTextTensor = "item_text"
    /// Metadata key of the weight of text evidence a text-aware model is served with (`TextEvidenceRecommender`).
    static let textWeightKey = "novarec.text_weight"
    /// The kind its metadata names (`novarec.kind`).
    static let kind = "sasrec"

    public init(model: SASRec, itemIDs: [String], metadata: [String: String] = [:], neighbours: NeighbourEvidence? = nil) {
        precondition(itemIDs.count == model.itemCount, "one id per item")
        precondition(neighbours.map { $0.neighbours.itemCount == model.itemCount } ?? true, "neighbours over the model's items")
        self.model = model
        self.itemIDs = itemIDs
        self.metadata = metadata
        self.neighbours = neighbours
    }

    /// The checkpoint of a trained model as it is served (`ModelTrainer`'s result): the
    /// Transformer's weights and the neighbour evidence added to them; nil when it holds no Transformer.
    public init?(served: any Recommender, itemIDs: [String], metadata: [String: String]) {
        guard let model = served.unadjusted as? SASRec else { return nil }
        let text = served.servingLayer(TextEvidenceRecommender.self).map { [Self.textWeightKey: String($0.weight)] } ?? [:]
        self.init(model: model, itemIDs: itemIDs, metadata: metadata.merging(text) { $1 }, neighbours: served.neighbourEvidence)
    }

    /// The same checkpoint with `extra` merged into its metadata.
    public func adding(metadata extra: [String: String]) -> SASRecCheckpoint {
        SASRecCheckpoint(model: model, itemIDs: itemIDs, metadata: metadata.merging(extra) { $1 }, neighbours: neighbours)
    }

    /// The safetensors bytes (what `write` stores; what replicas exchange through the database).
    public func encoded() throws -> Data {
        var fullMetadata = try CheckpointFile.metadata(kind: Self.kind, itemIDs: itemIDs, extra: metadata)
        fullMetadata[Self.configurationKey] = try CheckpointFile.json(model.configuration)
        var tensors = model.parameters.entries.map { entry in
            SafeTensors.Tensor(name: entry.name, shape: entry.shape, values: Array(model.parameters[entry.name]))
        }
        if let itemText = model.itemText {
            tensors.append(SafeTensors.Tensor(name: Self.itemTextTensor, shape: [model.itemCount, model.configuration.textWidth], values: itemText))
        }
        if let neighbours {
            fullMetadata[Self.neighboursKey] = try CheckpointFile.json(neighbours.settings)
            tensors += neighbours.neighbours.tensors.map {
                SafeTensors.Tensor(name: Self.neighbourPrefix + $0.name, shape: $0.shape, storage: $0.storage)
            }
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
        let neighbourTensors = tensors.filter { $0.name.hasPrefix(neighbourPrefix) }
        var parameters = ParameterSet()
        var itemText: [Float]?
        for tensor in tensors where !tensor.name.hasPrefix(neighbourPrefix) {
            guard case .f32(let values) = tensor.storage else {
                throw SASRecError.invalidCheckpoint("\(source): tensor '\(tensor.name)' is \(tensor.storage.dtype), not F32")
            }
            if tensor.name == itemTextTensor {
                itemText = values
                continue
            }
            let offset = parameters.add(tensor.name, shape: tensor.shape)
            parameters.values.replaceSubrange(offset..<(offset + values.count), with: values)
        }
        let model = try SASRec(configuration: configuration, parameters: parameters, itemText: itemText)
        guard itemIDs.count == configuration.itemCount else {
            throw SASRecError.invalidCheckpoint("\(source): \(itemIDs.count) item ids for \(configuration.itemCount) items")
        }
        let neighbours = try Self.neighbours(neighbourTensors, metadata: metadata, itemCount: model.itemCount, source: source)
        return SASRecCheckpoint(model: model, itemIDs: itemIDs, metadata: metadata, neighbours: neighbours)
    }

    /// The stored neighbour evidence (nil when the checkpoint has none); a malformed one is refused.
    private static func neighbours(
        _ tensors: [SafeTensors.Tensor], metadata: [String: String], itemCount: Int, source: String
    ) throws -> NeighbourEvidence? {
        guard let settings = metadata[neighboursKey] else {
            guard tensors.isEmpty else { throw SASRecError.invalidCheckpoint("\(source): neighbour tensors without their settings") }
            return nil
        }
        let stripped = tensors.map { SafeTensors.Tensor(name: String($0.name.dropFirst(neighbourPrefix.count)), shape: $0.shape, storage: $0.storage) }
        do throws(CheckpointError) {
            guard let values = CheckpointFile.value([String: Double].self, at: neighboursKey, in: metadata) else {
                throw CheckpointError("settings '\(settings)' are not a JSON object of numbers")
            }
            let evidence = try NeighbourEvidence(tensors: CheckpointTensors(stripped), settings: values)
            guard evidence.neighbours.itemCount == itemCount else {
                throw CheckpointError("they cover \(evidence.neighbours.itemCount) items, not \(itemCount)")
            }
            return evidence
        } catch {
            throw SASRecError.invalidCheckpoint("\(source): neighbours: \(error.reason)")
        }
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
    /// with logit adjustment (τ and the counts from the metadata), then its neighbour evidence,
    /// then its text evidence.
    public func servedModel() -> any Recommender {
        let served = neighbours?.blended(with: adjusted) ?? adjusted
        guard let weight = metadata[Self.textWeightKey].flatMap(Float.init), weight > 0, let itemText = model.itemText else { return served }
        return TextEvidenceRecommender(base: served, itemText: ItemTextVectors(values: itemText, width: model.configuration.textWidth), weight: weight)
    }

    /// The model with its popularity prior when it was trained with logit adjustment.
    private var adjusted: any Recommender {
        guard let tau = metadata[Self.logitAdjustmentKey].flatMap(Float.init), tau > 0,
            let counts = CheckpointFile.value([Double].self, at: Self.priorCountsKey, in: metadata), counts.count == model.itemCount
        else { return model }
        return LogitAdjustedRecommender(
            base: model, prior: LogitAdjustedRecommender.prior(counts: counts, tau: tau, unseenAsTypical: model.configuration.textWidth > 0))
    }
}
