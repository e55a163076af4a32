import Foundation

/// A trained SASRec model on disk: a safetensors file whose metadata carries the model
/// configuration, the item vocabulary (original ids, by dense index) and any extra facts
/// (training options, validation score). Written atomically; verified on load.
public struct SASRecCheckpoint: Sendable {
    public let model: SASRec
    /// Original item ids, indexed by the model's dense item indices.
    public let itemIDs: [String]
    public let metadata: [String: String]

    static let configurationKey = "novarec.configuration"
    static let itemsKey = "novarec.items"

    public init(model: SASRec, itemIDs: [String], metadata: [String: String] = [:]) {
        precondition(itemIDs.count == model.itemCount, "one id per item")
        self.model = model
        self.itemIDs = itemIDs
        self.metadata = metadata
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(try encoded(), to: url)
    }

    /// The safetensors bytes (what `write` stores; what replicas exchange through the database).
    public func encoded() throws -> Data {
        let configuration = String(decoding: try JSONEncoder().encode(model.configuration), as: UTF8.self)
        let items = String(decoding: try JSONEncoder().encode(itemIDs), as: UTF8.self)
        var fullMetadata = metadata
        fullMetadata["format"] = "pt"
        fullMetadata[Self.configurationKey] = configuration
        fullMetadata[Self.itemsKey] = items
        let tensors = model.parameters.entries.map { entry in
            SafeTensors.Tensor(name: entry.name, shape: entry.shape, values: Array(model.parameters[entry.name]))
        }
        return try SafeTensors.encode(tensors, metadata: fullMetadata)
    }

    public static func read(from url: URL) throws -> SASRecCheckpoint {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SASRecError.invalidCheckpoint("cannot read \(url.path)")
        }
        return try decode(data, source: url.path)
    }

    /// A checkpoint from safetensors bytes; `source` names them in errors.
    public static func decode(_ data: Data, source: String) throws -> SASRecCheckpoint {
        let (tensors, metadata): ([SafeTensors.Tensor], [String: String])
        do {
            (tensors, metadata) = try SafeTensors.decode(data)
        } catch {
            throw SASRecError.invalidCheckpoint("\(source): \(error.description)")
        }
        guard let configurationText = metadata[configurationKey], let itemsText = metadata[itemsKey],
              let configuration = try? JSONDecoder().decode(SASRecConfiguration.self, from: Data(configurationText.utf8)),
              let itemIDs = try? JSONDecoder().decode([String].self, from: Data(itemsText.utf8)) else {
            throw SASRecError.invalidCheckpoint("\(source): metadata lacks a valid configuration or item list")
        }
        var parameters = ParameterSet()
        for tensor in tensors {
            let offset = parameters.add(tensor.name, shape: tensor.shape)
            parameters.values.replaceSubrange(offset..<(offset + tensor.values.count), with: tensor.values)
        }
        let model = try SASRec(configuration: configuration, parameters: parameters)
        guard itemIDs.count == configuration.itemCount else {
            throw SASRecError.invalidCheckpoint("\(source): \(itemIDs.count) item ids for \(configuration.itemCount) items")
        }
        return SASRecCheckpoint(model: model, itemIDs: itemIDs, metadata: metadata)
    }
}
