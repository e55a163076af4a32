import Foundation

/// What every Novarec checkpoint shares, whatever model it holds: a verified safetensors file
/// whose metadata names the model kind (`novarec.kind`) and the item vocabulary
/// (`novarec.items`: original ids by dense index, a JSON array); values that are not plain
/// strings are stored as JSON text.
public enum CheckpointFile {
    public static let kindKey = "novarec.kind"
    public static let itemsKey = "novarec.items"

    /// `extra` with the format, the kind and the item ids set (they win over `extra`'s own).
    public static func metadata(kind: String, itemIDs: [String], extra: [String: String]) throws -> [String: String] {
        var metadata = extra
        metadata["format"] = "pt"
        metadata[kindKey] = kind
        metadata[itemsKey] = try json(itemIDs)
        return metadata
    }

    /// `value` as JSON text.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    /// The JSON value under `key`; nil when absent or not a `T`.
    static func value<T: Decodable>(_ type: T.Type, at key: String, in metadata: [String: String]) -> T? {
        metadata[key].flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    /// The item vocabulary; nil when absent or malformed.
    public static func itemIDs(in metadata: [String: String]) -> [String]? {
        value([String].self, at: itemsKey, in: metadata)
    }

    /// Reads and verifies the file at `url`; `invalid` makes the caller's error from a message
    /// naming the file.
    public static func read<E: Error>(_ url: URL, invalid: (String) -> E) throws(E) -> (tensors: [SafeTensors.Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw invalid("cannot read \(url.path)") }
        return try decode(data, source: url.path, invalid: invalid)
    }

    /// Parses and verifies safetensors bytes; `source` names them in errors.
    static func decode<E: Error>(
        _ data: Data, source: String, invalid: (String) -> E
    ) throws(E)
        -> (tensors: [SafeTensors.Tensor], metadata: [String: String])
    {
        do {
            return try SafeTensors.decode(data)
        } catch {
            throw invalid("\(source): \(error.description)")
        }
    }
}

/// A checkpoint that can be turned into its safetensors bytes, and so written to a file.
public protocol EncodedCheckpoint: Sendable {
    /// The safetensors bytes (what `write` stores; what replicas exchange through the database).
    func encoded() throws -> Data
}

extension EncodedCheckpoint {
    /// Writes the checkpoint atomically (a reader never sees half a file).
    public func write(to url: URL) throws {
        try AtomicFile.write(try encoded(), to: url)
    }
}
