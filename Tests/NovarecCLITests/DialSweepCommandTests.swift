import Foundation
import Testing

/// `novarec train` writes a calibrated checkpoint and `novarec eval --dial` sweeps it through the
/// served engine, as a user runs them.
struct DialSweepCommandTests {
    @Test func trainCalibratesTheDialAndEvalSweepsItWithDumpsAndAFrontier() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let data = directory.path + "/data"
        let model = directory.path + "/model.safetensors"
        let out = directory.path + "/sweep"
        #expect(try CommandLineTests.run(["generate", "--out", data, "--users", "150", "--items", "60"]).status == 0)
        let train = try CommandLineTests.run(["train", "--dataset", data, "--out", model, "--dim", "16", "--epochs", "2", "--refit-epochs", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("dial scale (validation novelty"), "\(train.stderr)")
        let sweep = try CommandLineTests.run([
            "eval", "--dataset", data, "--checkpoint", model, "--dial", "novelty=0,1",
            "--reranker", "popularity-penalty,blend", "--out", out
        ])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains("4 settings"), "\(sweep.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.contains("frontier.json") && files.contains("frontier.svg"))
        #expect(files.filter { $0.hasSuffix(".top20.tsv") }.count == 4, "\(files)")
        let dump = try String(contentsOfFile: out + "/model_popularity-penalty_n1.00_d0.00.top20.tsv", encoding: .utf8)
        #expect(dump.split(separator: "\n").first?.split(separator: "\t").last?.split(separator: ",").count == 20)
    }

    @Test func badDialOptionsAreUsageErrors() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let data = directory.path + "/data"
        #expect(try CommandLineTests.run(["generate", "--out", data, "--users", "40", "--items", "20"]).status == 0)
        for arguments in [
            ["--dial", "novelty=0,1"], ["--dial", "novelty=2", "--checkpoint", "x"], ["--dial", "loudness=1", "--checkpoint", "x"],
            ["--dial", "novelty=0", "--checkpoint", "x", "--reranker", "nope"]
        ] {
            let outcome = try CommandLineTests.run(["eval", "--dataset", data] + arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(!outcome.stderr.isEmpty)
        }
    }
}
