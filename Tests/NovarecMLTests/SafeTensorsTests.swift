import Foundation
import Testing
@testable import NovarecML

/// A checkpoint's header is untrusted input: a shape whose element or byte count overflows must
/// be refused with an error, never trap the reader.
struct SafeTensorsTests {
    /// A file with one empty data section and `entry` as its only tensor, checksum included.
    static func file(tensor entry: String) -> Data {
        let header = #"{"__metadata__":{"data_sha256":"\#(SHA256.hex(Data()))"},"t":\#(entry)}"#
        var json = Data(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var length = UInt64(json.count).littleEndian
        return Data(bytes: &length, count: 8) + json
    }

    @Test(arguments: [
        "[9223372036854775807, 2]",  // elements overflow
        "[3037000500, 3037000500]",  // elements overflow on the second dimension
        "[2305843009213693952]",  // elements fit, bytes (x4) overflow
        "[4611686018427387904, 2, 0]",  // overflow before the zero dimension
        "[-1, 4]"
    ])
    func hugeOrNegativeShapesThrowInsteadOfTrapping(shape: String) {
        let file = Self.file(tensor: #"{"dtype":"F32","shape":\#(shape),"data_offsets":[0,0]}"#)
        #expect(throws: SafeTensors.Failure.self) { try SafeTensors.decode(file) }
    }

    @Test func aConsistentEmptyTensorStillDecodes() throws {
        let decoded = try SafeTensors.decode(Self.file(tensor: #"{"dtype":"F32","shape":[0, 5],"data_offsets":[0,0]}"#))
        #expect(decoded.tensors.map(\.shape) == [[0, 5]])
        #expect(SafeTensors.Tensor.elementCount(of: [3, 4, 5]) == 60 && SafeTensors.Tensor.elementCount(of: []) == 1)
        #expect(SafeTensors.Tensor.elementCount(of: [Int.max, 2]) == nil)
    }
}
