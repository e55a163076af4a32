import Foundation
import Testing
@testable import NovarecML

/// Baseline checkpoints (popularity, ItemKNN, EASE) as real files: exact round trips, and
/// refusal of files that are truncated, corrupted or describe no valid model.
struct BaselineCheckpointTests {
    static let baselines: [any CheckpointableRecommender] = [
        MostPopular(statistics: RecommenderContract.statistics),
        ItemKNN(
            cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics,
            configuration: .init(shrink: 10, neighbourhood: 3, decay: 0.8)),
        try! EASE(cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics, lambda: 20)
    ]
    static let itemIDs = (0..<RecommenderContract.itemCount).map { "sku-\($0)" }

    private func written(_ model: any CheckpointableRecommender) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-baseline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(model.name).safetensors")
        try BaselineCheckpoint(model: model, itemIDs: Self.itemIDs, metadata: ["novarec.dataset": "checkerboard"]).write(to: url)
        return url
    }

    @Test(arguments: 0..<3) func roundTripKeepsTheTensorsBitForBit(index: Int) throws {
        let original = Self.baselines[index]
        let url = try written(original)
        let loaded = try BaselineCheckpoint.read(from: url)
        #expect(type(of: loaded.model) == type(of: original))
        #expect(loaded.model.tensors == original.tensors)
        #expect(loaded.model.hyperparameters == original.hyperparameters)
        #expect(loaded.itemIDs == Self.itemIDs)
        #expect(loaded.metadata["novarec.dataset"] == "checkerboard" && loaded.metadata["novarec.kind"] == original.name)
        #expect(RecommenderContract.scores(loaded.model, [4, 10, 16]) == RecommenderContract.scores(original, [4, 10, 16]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(leftovers == [url.lastPathComponent], "no temporary file is left behind")
    }

    @Test(arguments: 0..<3) func truncatedOrCorruptedFilesAreRefused(index: Int) throws {
        let url = try written(Self.baselines[index])
        let intact = try Data(contentsOf: url)
        var flipped = intact
        flipped[flipped.count - 3] ^= 0xFF
        let damaged = [
            (intact.dropLast(16), "checksum mismatch"), (intact.prefix(40), "truncated"), (flipped, "checksum mismatch"),
            (Data("tiny".utf8), "too short")
        ]
        for (data, reason) in damaged {
            try Data(data).write(to: url)
            #expect(throws: CheckpointError.self) { try BaselineCheckpoint.read(from: url) }
            let message = refusal { try ModelCheckpoint.read(from: url) }
            #expect(message.hasPrefix("invalid checkpoint: \(url.path)") && message.contains(reason), "\(message)")
        }
        #expect(throws: CheckpointError.self) { try ModelCheckpoint.read(from: url.appendingPathExtension("missing")) }
    }

    @Test func filesOfAnotherOrUnknownKindAreRefused() throws {
        let url = try written(Self.baselines[1])
        let message = refusal { try SASRecCheckpoint.read(from: url) }
        #expect(message.contains("holds model kind itemknn, not sasrec"), "\(message)")
        let (tensors, metadata) = try SafeTensors.decode(try Data(contentsOf: url))
        try SafeTensors.encode(tensors, metadata: metadata.merging(["novarec.kind": "magic"]) { $1 }).write(to: url)
        #expect(refusal { try ModelCheckpoint.read(from: url) }.contains("model kind magic is not one of pop, itemknn, ease"))
    }

    /// A file whose checksum holds but whose tensors describe no valid model (as a buggy writer
    /// could produce) is refused, not served.
    @Test func inconsistentTensorsAreRefused() throws {
        let url = try written(Self.baselines[1])
        let (tensors, metadata) = try SafeTensors.decode(try Data(contentsOf: url))
        let outOfRange = tensors.map { tensor in
            guard case .i32(let columns) = tensor.storage else { return tensor }
            return SafeTensors.Tensor(name: tensor.name, shape: tensor.shape, storage: .i32(columns.map { $0 + 1 }))
        }
        try SafeTensors.encode(outOfRange, metadata: metadata).write(to: url)
        #expect(refusal { try ModelCheckpoint.read(from: url) }.contains("itemknn: similarity rows are not a valid sparse matrix over 40 items"))
        let asFloats = tensors.map { SafeTensors.Tensor(name: $0.name, shape: $0.shape, values: [Float](repeating: 0, count: $0.storage.count)) }
        try SafeTensors.encode(asFloats, metadata: metadata).write(to: url)
        #expect(refusal { try ModelCheckpoint.read(from: url) }.contains("tensor 'row_start' is F32, not I64"))
        let fewerItems = metadata.merging(["novarec.items": #"["a","b"]"#]) { $1 }
        try SafeTensors.encode(tensors, metadata: fewerItems).write(to: url)
        #expect(refusal { try ModelCheckpoint.read(from: url) }.contains("2 item ids for 40 items"))
    }

    @Test func integerTensorsRoundTripExactly() throws {
        let tensors = [
            SafeTensors.Tensor(name: "a", shape: [3], storage: .i64([0, Int64.max, Int64.min])),
            SafeTensors.Tensor(name: "b", shape: [1, 3], storage: .i32([Int32.max, -1, 16_777_217])),
            SafeTensors.Tensor(name: "c", shape: [2], values: [0.1, -.infinity])
        ]
        let data = try SafeTensors.encode(tensors, metadata: [:])
        #expect(try SafeTensors.decode(data).tensors == tensors)
        let header = String(decoding: data, as: UTF8.self)
        #expect(header.contains(#""dtype":"I64""#) && header.contains(#""dtype":"I32""#))
    }

    private func refusal(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "loaded"
        } catch {
            return "\(error)"
        }
    }
}
