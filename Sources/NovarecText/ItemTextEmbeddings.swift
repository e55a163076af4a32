import Foundation
import NovarecCore
import NovarecML

/// Item text turned into vectors (`novarec embed`): one `items × dimension` float32 matrix
/// (`embeddings`) in a safetensors file whose metadata holds the item ids in row order
/// (`novarec.items`, JSON, as in every Novarec checkpoint), `novarec.kind` = `item-text` and the
/// model that produced it, so the vectors can be joined back to a catalogue later.
public struct ItemTextEmbeddings: EncodedCheckpoint, Equatable {
    public static let kind = "item-text"
    static let tensorName = "embeddings"
    static let modelKey = "novarec.text-model"

    public let itemIDs: [String]
    public let dimension: Int
    /// Row `i` is the vector of `itemIDs[i]`.
    public let vectors: [Float]
    /// Names the encoder that produced the vectors (its directory name).
    public let model: String

    public init(itemIDs: [String], dimension: Int, vectors: [Float], model: String) {
        precondition(vectors.count == itemIDs.count * dimension, "one vector of \(dimension) per item")
        self.itemIDs = itemIDs
        self.dimension = dimension
        self.vectors = vectors
        self.model = model
    }

    public func encoded() throws -> Data {
        let metadata = try CheckpointFile.metadata(kind: Self.kind, itemIDs: itemIDs, extra: [Self.modelKey: model])
        return try SafeTensors.encode(
            [SafeTensors.Tensor(name: Self.tensorName, shape: [itemIDs.count, dimension], values: vectors)],
            metadata: metadata)
    }

    public static func read(from url: URL) throws(CheckpointError) -> ItemTextEmbeddings {
        let (tensors, metadata) = try CheckpointFile.read(url, invalid: CheckpointError.init)
        guard metadata[CheckpointFile.kindKey] == kind, let itemIDs = CheckpointFile.itemIDs(in: metadata) else {
            throw CheckpointError("\(url.path): not an \(kind) file with an item list")
        }
        let tensor = try CheckpointTensors(tensors).tensor(tensorName)
        guard tensor.shape.count == 2, tensor.shape[0] == itemIDs.count, case .f32(let vectors) = tensor.storage else {
            throw CheckpointError("\(url.path): '\(tensorName)' is not an F32 matrix with one row per item")
        }
        return ItemTextEmbeddings(itemIDs: itemIDs, dimension: tensor.shape[1], vectors: vectors, model: metadata[modelKey] ?? "")
    }
}

extension ItemTextEmbeddings {
    /// The vectors in `items`' order (`items.count × dimension`), a zero row for an item without
    /// one, and how many items have one.
    public func aligned(to items: Vocabulary) -> (vectors: [Float], covered: Int) {
        var vectors = [Float](repeating: 0, count: items.count * dimension)
        var covered = 0
        for (row, id) in itemIDs.enumerated() {
            guard let index = items.index(of: id) else { continue }
            covered += 1
            vectors.replaceSubrange((Int(index) * dimension)..<((Int(index) + 1) * dimension), with: self.vectors[(row * dimension)..<((row + 1) * dimension)])
        }
        return (vectors, covered)
    }

    /// The text to embed for every item of `dataset` that has some, in item-index order
    /// (`ItemText`: the title, then its categories — MovieLens genres — when there are any).
    /// Items without text are left out.
    public static func texts(of dataset: Dataset) -> (itemIDs: [String], texts: [String]) {
        var itemIDs: [String] = []
        var texts: [String] = []
        for index in 0..<dataset.items.count {
            guard let metadata = dataset.itemMetadata[Int32(index)], !metadata.title.isEmpty || !metadata.categories.isEmpty else { continue }
            itemIDs.append(dataset.items.id(at: Int32(index)))
            texts.append(ItemText.compose(title: metadata.title, categories: metadata.categories))
        }
        return (itemIDs, texts)
    }
}
