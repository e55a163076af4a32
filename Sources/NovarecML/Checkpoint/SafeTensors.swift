import Foundation

/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON
/// header, then raw little-endian tensor bytes), for `F32`, `I32` and `I64` tensors (`Tensor`)
/// and string metadata, so checkpoints open in Python's `safetensors` as well as here.
///
/// The writer stores the SHA-256 of the data section in the metadata (`data_sha256`); the
/// reader refuses a file whose data does not hash to it, or whose header is inconsistent.
public enum SafeTensors {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static let checksumKey = "data_sha256"

    /// The complete file contents for `tensors` (written in order) and `metadata`.
    public static func encode(_ tensors: [Tensor], metadata: [String: String]) throws -> Data {
        var body = Data()
        var header: [String: Any] = [:]
        for tensor in tensors {
            let begin = body.count
            tensor.storage.append(to: &body)
            header[tensor.name] = ["dtype": tensor.storage.dtype, "shape": tensor.shape, "data_offsets": [begin, body.count]]
        }
        var fullMetadata = metadata
        fullMetadata[checksumKey] = SHA256.hex(body)
        header["__metadata__"] = fullMetadata
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var length = UInt64(json.count).littleEndian
        var file = Data(bytes: &length, count: 8)
        file.append(json)
        file.append(body)
        return file
    }

    /// Parses and verifies a file's contents; tensors come back in data order. A file written
    /// elsewhere (a published model) may have no checksum: `requireChecksum: false` accepts it,
    /// still verifying one that is present and every tensor's offsets.
    public static func decode(_ file: Data, requireChecksum: Bool = true) throws(Failure) -> (tensors: [Tensor], metadata: [String: String]) {
        guard file.count >= 8 else { throw Failure("file is \(file.count) bytes, too short for a header") }
        let headerLength = file.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(file.count - 8) else { throw Failure("header length \(headerLength) exceeds the file (truncated?)") }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: file[8..<dataStart]) as? [String: Any] else {
            throw Failure("header is not a JSON object")
        }
        let metadata = (header["__metadata__"] as? [String: String]) ?? [:]
        let body = file[dataStart...]
        if let expected = metadata[checksumKey] {
            guard SHA256.hex(body) == expected else { throw Failure("data checksum mismatch (corrupted or truncated file)") }
        } else if requireChecksum {
            throw Failure("metadata has no \(checksumKey)")
        }
        var tensors: [(begin: Int, tensor: Tensor)] = []
        for (name, value) in header where name != "__metadata__" {
            tensors.append(try decodeTensor(name: name, value, body: body))
        }
        return (tensors.sorted { $0.begin < $1.begin }.map(\.tensor), metadata)
    }

    private static func decodeTensor(name: String, _ value: Any, body: Data) throws(Failure) -> (begin: Int, tensor: Tensor) {
        guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let size = Storage.elementSize(of: dtype),
            let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
        else {
            throw Failure("tensor '\(name)' has a malformed entry (only F32, I32 and I64 tensors are supported)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard let count = Tensor.elementCount(of: shape), case let (bytes, overflow) = count.multipliedReportingOverflow(by: size), !overflow else {
            throw Failure("tensor '\(name)' has shape \(shape), whose size does not fit in memory (or a negative dimension)")
        }
        guard begin >= 0, begin <= end, end <= body.count, end - begin == bytes else {
            throw Failure("tensor '\(name)' has offsets \(offsets) inconsistent with shape \(shape) or the file size")
        }
        let data = body[(body.startIndex + begin)..<(body.startIndex + end)]
        guard let storage = Storage.decode(dtype: dtype, bytes: data) else { throw Failure("tensor '\(name)' has unsupported dtype \(dtype)") }
        return (begin, Tensor(name: name, shape: shape, storage: storage))
    }
}
