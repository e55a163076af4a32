import Foundation
import NovarecTestSupport
import Testing

/// `embed` → `train --item-text` → `eval`, with the real sentence encoder (fetched first when
/// the checkout lacks it), on a generated shop.
struct ItemTextCommandTests {
    @Test func embeddedItemTextTrainsATextAwareModelThatEvalServes() throws {
        let model = try TextModelFixture.directory.get().path
        let directory = try CommandLineTests.temporaryDirectory()
        let data = directory.path + "/data"
        #expect(try CommandLineTests.run(["generate", "--out", data, "--users", "150", "--items", "60"]).status == 0)
        let vectors = directory.path + "/item-text.safetensors"
        let embedded = try CommandLineTests.run(["embed", "--dataset", data, "--model", model, "--out", vectors])
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
