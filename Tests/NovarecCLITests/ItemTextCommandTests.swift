import Foundation
import Testing

/// The checkout's all-MiniLM-L6-v2 directory, when `deploy/setup.sh` has fetched it (CI does).
private let modelDirectory: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = root.appendingPathComponent("models/all-MiniLM-L6-v2")
    return FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path) ? directory.path : nil
}()

/// `embed` → `train --item-text` → `eval`, with the real sentence encoder, on a generated shop.
@Suite(.enabled(if: modelDirectory != nil, "models/all-MiniLM-L6-v2 is absent: run deploy/setup.sh --deps-only"))
struct ItemTextCommandTests {
    @Test func embeddedItemTextTrainsATextAwareModelThatEvalServes() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let data = directory.path + "/data"
        #expect(try CommandLineTests.run(["generate", "--out", data, "--users", "150", "--items", "60"]).status == 0)
        let vectors = directory.path + "/item-text.safetensors"
        let embedded = try CommandLineTests.run(["embed", "--dataset", data, "--model", modelDirectory!, "--out", vectors])
        #expect(embedded.status == 0 && embedded.stderr.contains("wrote 60 × 384 vectors"), "\(embedded.stderr)")

        let checkpoint = directory.path + "/text.safetensors"
        let trained = try CommandLineTests.run([
            "train", "--dataset", data + "/events.tsv", "--item-text", vectors, "--out", checkpoint,
            "--dim", "16", "--inner", "32", "--epochs", "2", "--batch", "32"
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("item text: 60 of 60 items have a 384-dimensional vector"), "\(trained.stderr)")
        let evaluated = try CommandLineTests.run([
            "eval", "--dataset", data + "/events.tsv", "--models", "sasrec", "--checkpoint", checkpoint, "--out", directory.path + "/eval"
        ])
        #expect(evaluated.status == 0 && evaluated.stdout.contains("sasrec"), "\(evaluated.stderr)")

        let missing = try CommandLineTests.run([
            "train", "--dataset", data + "/events.tsv", "--item-text", directory.path + "/nope.safetensors", "--out", checkpoint, "--epochs", "1"
        ])
        #expect(missing.status != 0 && missing.stderr.contains("nope.safetensors"), "\(missing.stderr)")
    }
}
