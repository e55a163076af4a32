import Foundation
import Testing
@testable import NovarecML

struct CheckpointTests {
    private func temporaryFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("model.safetensors")
    }

    private func writtenCheckpoint() throws -> (URL, SASRecCheckpoint) {
        let model = try SASRec(configuration: SASRecTests.tinyConfiguration(items: 7), seed: 9)
        let checkpoint = SASRecCheckpoint(model: model, itemIDs: (1...7).map { "sku-\($0)" }, metadata: ["novarec.note": "test"])
        let url = try temporaryFile()
        try checkpoint.write(to: url)
        return (url, checkpoint)
    }

    @Test func roundTripIsBitExact() throws {
        let (url, original) = try writtenCheckpoint()
        let loaded = try SASRecCheckpoint.read(from: url)
        #expect(loaded.model.parameters == original.model.parameters)
        #expect(loaded.model.configuration == original.model.configuration)
        #expect(loaded.itemIDs == original.itemIDs)
        #expect(loaded.metadata["novarec.note"] == "test")
        #expect(RecommenderContract.scores(loaded.model, [1, 2]) == RecommenderContract.scores(original.model, [1, 2]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(leftovers == ["model.safetensors"], "no temporary file is left behind")
    }

    @Test func survivesTheContractsCheckpointRoundTrip() throws {
        try RecommenderContract.checkCheckpointRoundTrip(
            try SASRec(configuration: SASRecTests.tinyConfiguration(items: RecommenderContract.itemCount), seed: 3))
    }

    @Test func neighboursTravelWithTheCheckpointAndAreServed() throws {
        let model = try SASRec(configuration: SASRecTests.tinyConfiguration(items: RecommenderContract.itemCount), seed: 3)
        let knn = ItemKNN(
            cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics,
            configuration: NeighbourEvidence.configuration)
        let served = NeighbourEvidence(neighbours: knn, weight: 7).blended(with: model)
        let itemIDs = (0..<RecommenderContract.itemCount).map { "sku-\($0)" }
        let checkpoint = try #require(SASRecCheckpoint(served: served, itemIDs: itemIDs, metadata: [:]))
        let url = try temporaryFile()
        try checkpoint.write(to: url)
        let loaded = try ModelCheckpoint.read(from: url)
        #expect(loaded.recommender.neighbourEvidence?.weight == 7)
        for history: ArraySlice<Int32> in [[], [2, 8, 14], [39, 1]] {
            #expect(RecommenderContract.scores(loaded.recommender, history) == RecommenderContract.scores(served, history))
        }
        #expect(try SASRecCheckpoint.read(from: url).model.parameters == model.parameters, "the weights are the Transformer's alone")
    }

    @Test func textEvidenceTravelsWithATextAwareCheckpointAndIsServed() throws {
        var configuration = SASRecTests.tinyConfiguration(items: RecommenderContract.itemCount)
        configuration.textWidth = NewItemRecommenderTests.width
        let model = try SASRec(configuration: configuration, seed: 3, itemText: NewItemRecommenderTests.itemText)
        let served = TextEvidenceRecommender(base: model, itemText: TextEvidenceRecommenderTests.itemText, weight: 2.5)
        let itemIDs = (0..<RecommenderContract.itemCount).map { "sku-\($0)" }
        let url = try temporaryFile()
        try #require(SASRecCheckpoint(served: served, itemIDs: itemIDs, metadata: [:])).write(to: url)
        let loaded = try ModelCheckpoint.read(from: url)
        #expect(loaded.recommender.servingLayer(TextEvidenceRecommender.self)?.weight == 2.5)
        for history: ArraySlice<Int32> in [[], [2, 8, 14], [39, 1]] {
            #expect(RecommenderContract.scores(loaded.recommender, history) == RecommenderContract.scores(served, history))
        }
    }

    @Test func malformedNeighboursAreRefused() throws {
        let model = try SASRec(configuration: SASRecTests.tinyConfiguration(items: RecommenderContract.itemCount), seed: 3)
        let knn = ItemKNN(
            cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics,
            configuration: NeighbourEvidence.configuration)
        let itemIDs = (0..<RecommenderContract.itemCount).map { "sku-\($0)" }
        let good = try SASRecCheckpoint(model: model, itemIDs: itemIDs, neighbours: NeighbourEvidence(neighbours: knn, weight: 1)).encoded()
        let (tensors, metadata) = try SafeTensors.decode(good)
        let cases: [(String, [SafeTensors.Tensor], [String: String])] = [
            ("settings", tensors, metadata.filter { $0.key != "novarec.neighbours" }),
            ("weight", tensors, metadata.merging(["novarec.neighbours": #"{"shrink":0,"neighbourhood":3,"decay":0.7,"weight":-1}"#]) { $1 }),
            ("not a JSON object", tensors, metadata.merging(["novarec.neighbours": "[1]"]) { $1 }),
            ("columns", tensors.filter { $0.name != "neighbours.columns" }, metadata)
        ]
        for (expected, tensors, metadata) in cases {
            let data = try SafeTensors.encode(tensors, metadata: metadata)
            #expect(
                performing: { try SASRecCheckpoint.decode(data, source: "bad") },
                throws: { error in
                    "\(error)".contains("neighbour") && "\(error)".contains(expected)
                })
        }
    }

    @Test func fileLayoutIsSafetensors() throws {
        let (url, checkpoint) = try writtenCheckpoint()
        let data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = try JSONSerialization.jsonObject(with: data[8..<(8 + headerLength)]) as! [String: Any]
        let embedding = header["item_embedding.weight"] as! [String: Any]
        #expect(embedding["dtype"] as? String == "F32")
        #expect(embedding["shape"] as? [Int] == [7, 8])
        let totalBytes = checkpoint.model.parameters.values.count * 4
        #expect(data.count == 8 + headerLength + totalBytes)
        #expect((8 + headerLength) % 8 == 0, "data starts 8-byte aligned")
    }

    @Test func corruptedOrTruncatedFilesAreRefused() throws {
        let (url, _) = try writtenCheckpoint()
        var data = try Data(contentsOf: url)
        data[data.count - 3] ^= 0xFF
        try data.write(to: url)
        #expect(throws: SASRecError.self) { try SASRecCheckpoint.read(from: url) }
        do {
            _ = try SASRecCheckpoint.read(from: url)
        } catch {
            #expect("\(error)".contains("checksum mismatch"))
        }
        var truncated = try Data(contentsOf: url)
        truncated.removeLast(100)
        try truncated.write(to: url)
        #expect(throws: SASRecError.self) { try SASRecCheckpoint.read(from: url) }
        try Data("not a checkpoint".utf8).write(to: url)
        #expect(throws: SASRecError.self) { try SASRecCheckpoint.read(from: url) }
        #expect(throws: SASRecError.self) { try SASRecCheckpoint.read(from: url.appendingPathExtension("missing")) }
    }

    @Test func sha256MatchesAKnownVector() {
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
