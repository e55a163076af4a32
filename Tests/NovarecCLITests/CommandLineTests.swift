import Foundation
import NovarecTestSupport
import Testing

/// Runs the built `novarec` binary as a user would and checks exit status and output.
struct CommandLineTests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("novarec")

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func everySubcommandHasHelp() throws {
        for command in [
            ["--help"], ["eval", "--help"], ["train", "--help"], ["bench", "train", "--help"], ["bench", "score", "--help"],
            ["generate", "--help"], ["import", "--help"], ["serve", "--help"]
        ] {
            let outcome = try Self.run(command)
            #expect(outcome.status == 0)
            #expect(outcome.stdout.contains("USAGE:"))
        }
    }

    @Test func importLoadsADatasetIntoTheEmbeddedDatabaseOnce() throws {
        let directory = try Self.temporaryDirectory()
        #expect(try Self.run(["generate", "--out", directory.path + "/data", "--users", "80", "--items", "40"]).status == 0)
        let arguments = ["import", "--dataset", directory.path + "/data", "--data-dir", directory.path + "/state"]
        let first = try Self.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(" stored, 0 already present;"), "\(first.stdout)")
        let items = first.stdout.firstMatch(of: /; (\d+) items \((\d+) with text\)/)
        #expect(items.map { $0.1 == $0.2 && $0.1 != "0" } == true, "every item has its title: \(first.stdout)")
        let again = try Self.run(arguments + ["--type", "purchase"])
        #expect(again.stdout.contains(" 0 stored,"), "\(again.stdout)")
        let badType = try Self.run(arguments + ["--type", "like"])
        #expect(badType.status == 64)
        #expect(badType.stderr.contains("like"))
        let missing = try Self.run(["import", "--dataset", directory.path + "/nothing.txt", "--data-dir", directory.path + "/state"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nothing.txt"))
    }

    /// A dataset without a user to hold out, benchmark counts of zero or less and training
    /// numbers no run can use are refused with a message (each was a trap, or a NaN model).
    @Test func aDatasetWithoutAnEvaluableUserAndEmptyBenchmarksAreRefused() throws {
        let directory = try Self.temporaryDirectory()
        let tiny = directory.path + "/two.txt"
        try "1 2 3\n2 4 5\n".write(toFile: tiny, atomically: true, encoding: .utf8)
        for arguments in [
            ["eval", "--dataset", tiny, "--models", "pop", "--out", directory.path + "/eval"],
            ["train", "--dataset", tiny, "--out", directory.path + "/m.safetensors"],
            ["train", "--dataset", tiny, "--model", "pop", "--out", directory.path + "/p.safetensors"],
            ["bench", "train", "--dataset", tiny]
        ] {
            let refused = try Self.run(arguments)
            #expect(refused.status == 1 && refused.stderr.contains("no user has 3 or more interactions"), "\(arguments): \(refused.stderr)")
        }
        for arguments in [
            ["bench", "train", "--dataset", tiny, "--rounds", "0"], ["bench", "score", "--dataset", tiny, "--checkpoint", "x", "--users=-1"],
            ["train", "--dataset", tiny, "--out", "m", "--max-minutes", "nan"], ["train", "--dataset", tiny, "--out", "m", "--lr", "inf"],
            ["train", "--dataset", tiny, "--out", "m", "--dim", "3000000000000000000"]
        ] {
            #expect(try Self.run(arguments).status == 64, "\(arguments)")
        }
    }

    /// `--checkpoint-dir` must name a directory: a writable file was taken for one.
    @Test func aCheckpointDirectoryThatIsAFileIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        let file = directory.path + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try Self.run(["serve", "--database-url", "postgresql://127.0.0.1:1/none", "--checkpoint-dir", file, "--port", "0"])
        #expect(refused.status == 64 && refused.stderr.contains("is a file, not a directory"), "\(refused.stderr)")
    }

    @Test func everyServeOptionCanComeFromTheEnvironment() throws {
        let help = try Self.run(["serve", "--help"]).stdout
        let options = Set(help.matches(of: /--([a-z][a-z-]+)/).map { String($0.1) }).subtracting(["help"])
        let environment = try String(contentsOf: Self.sourceFile("Sources/novarec/EnvironmentArguments.swift"), encoding: .utf8)
        for option in options { #expect(environment.contains("\"\(option)\""), "--\(option) has no environment variable") }
        let bad = try Self.run(["serve", "--data-dir", "/nonexistent"], environment: ["NOVAREC_PORT": "eighty"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("Options from the environment: NOVAREC_PORT=eighty"))
        #expect(bad.stderr.contains("'eighty' is invalid for '--port"))
        let negative = try Self.run(["serve", "--data-dir", "/nonexistent"], environment: ["NOVAREC_SHUTDOWN_GRACE": "-1"])
        #expect(negative.stderr.contains("--shutdown-grace must be a positive number of seconds"))
        let endless = try Self.run(["serve", "--data-dir", "/nonexistent", "--idle-timeout", "inf"])
        #expect(endless.status == 64 && endless.stderr.contains("--idle-timeout must be a positive number of seconds, at most 86400"))
        let budget = try Self.run(["serve", "--data-dir", "/nonexistent"], environment: ["NOVAREC_HISTORY_USERS": "1"])
        #expect(budget.status == 64 && budget.stderr.contains("--history-users must be between 2 and 1000000000"))
        // Absurd values are refused before anything starts (each crashed a running server).
        for (option, value) in [
            ("--max-header-bytes", "9223372036854775807"), ("--max-connections", "9223372036854775807"), ("--poll-interval", "1e30"),
            ("--poll-interval", "inf"), ("--event-retention-days", "3000000"), ("--train-max-minutes", "nan")
        ] {
            let absurd = try Self.run(["serve", "--data-dir", "/nonexistent", option, value])
            #expect(absurd.status == 64 && absurd.stderr.contains("\(option) must be between"), "\(option) \(value): \(absurd.stderr)")
        }
        let overridden = try Self.run(["serve", "--port", "70000"], environment: ["NOVAREC_PORT": "eighty"])
        #expect(overridden.stderr.contains("--port must be between 0 and 65535"), "the command line wins over the environment")
    }

    /// A database password never reaches standard error: neither in the echo of the options the
    /// environment supplied nor in libpq's complaint about a malformed URL (which quotes it).
    @Test func databasePasswordsAndKeysAreRedactedInErrors() throws {
        let url = "postgresql://novarec:hunter2secret@127.0.0.1:1/novarec"
        let environment = ["NOVAREC_PORT": "eighty", "DATABASE_URL": url, "NOVAREC_API_KEYS": "key-s3cret", "NOVAREC_ADMIN_KEYS": "adm-s3cret"]
        let bad = try Self.run(["serve", "--data-dir", "/nonexistent"], environment: environment)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("DATABASE_URL=postgresql://novarec:***@127.0.0.1:1/novarec"), "\(bad.stderr)")
        for secret in ["hunter2secret", "key-s3cret", "adm-s3cret"] { #expect(!bad.stderr.contains(secret), "\(bad.stderr)") }
        let directory = try Self.temporaryDirectory()
        for malformed in [
            "postgresql://novarec:hunter2%ZZsecret@127.0.0.1:1/novarec", "host=/nonexistent password='hunter2 secret' sslmode=bogus",
            "postgresql://novarec@127.0.0.1:1/novarec?password=hunter2secret&bogus=1"
        ] {
            let failed = try Self.run(["serve", "--port", "0", "--data-dir", directory.path, "--database-url", malformed])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("database:"), "\(failed.stderr)")
            #expect(!failed.stderr.contains("hunter2"), "\(failed.stderr)")
        }
    }

    /// A file of this package, found from this test file's location.
    static func sourceFile(_ path: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(path)
    }

    @Test func malformedDatasetGivesOneLineWithFileAndLine() throws {
        let directory = try Self.temporaryDirectory()
        let file = directory.appendingPathComponent("bad.txt")
        try "1 2 3\n2\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Self.run(["eval", "--dataset", file.path, "--out", directory.path])
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n").filter { !$0.hasPrefix("OpenBLAS kernel") }
        #expect(lines == ["Error: \(file.path):2: expected 'user item [item ...]', found 1 field(s)"])
    }

    @Test func unknownOptionValuesShowUsage() throws {
        let badFormat = try Self.run(["eval", "--dataset", "x", "--format", "parquet"])
        #expect(badFormat.status == 64)
        #expect(badFormat.stderr.contains("Usage: novarec eval"))
        #expect(badFormat.stderr.contains("parquet"))
        let badModel = try Self.run(["eval", "--dataset", "x", "--models", "pop,magic"])
        #expect(badModel.status == 64)
        #expect(badModel.stderr.contains("unknown model 'magic'"))
        let badK = try Self.run(["eval", "--dataset", "x", "--k", "10,zero"])
        #expect(badK.status == 64)
    }

    @Test func generateThenEvaluateWritesResultsAndDumps() throws {
        let directory = try Self.temporaryDirectory()
        let generated = try Self.run(["generate", "--out", directory.path + "/data", "--users", "300", "--items", "150"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let evaluated = try Self.run([
            "eval", "--dataset", directory.path + "/data/events.tsv", "--models", "pop,itemknn", "--k", "5,10",
            "--out", directory.path + "/results"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("Beyond accuracy"))
        #expect(evaluated.stdout.contains("itemknn"))
        let results = try Data(contentsOf: directory.appendingPathComponent("results/results.json"))
        let json = try JSONSerialization.jsonObject(with: results) as? [String: Any]
        #expect((json?["models"] as? [Any])?.count == 2)
        let dump = try String(contentsOf: directory.appendingPathComponent("results/itemknn.top20.tsv"), encoding: .utf8)
        #expect(dump.split(separator: "\n").count == 300)
    }

    @Test func trainWritesACheckpointThatEvalServes() throws {
        let directory = try Self.temporaryDirectory()
        let generated = try Self.run(["generate", "--out", directory.path + "/data", "--users", "200", "--items", "80"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let checkpoint = directory.path + "/model.safetensors"
        let trained = try Self.run([
            "train", "--dataset", directory.path + "/data/events.tsv", "--out", checkpoint,
            "--dim", "16", "--inner", "32", "--epochs", "2", "--batch", "32"
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("best valid NDCG@10"))
        let evaluated = try Self.run([
            "eval", "--dataset", directory.path + "/data/events.tsv", "--models", "sasrec,pop",
            "--checkpoint", checkpoint, "--out", directory.path + "/results"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("sasrec"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/results/sasrec.top20.tsv"))

        try Data("garbage".utf8).write(to: URL(fileURLWithPath: checkpoint))
        let refused = try Self.run([
            "eval", "--dataset", directory.path + "/data/events.tsv", "--models", "sasrec", "--checkpoint", checkpoint,
            "--out", directory.path + "/refused"
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("invalid checkpoint"))
    }

    /// `kill -9` at moments spread over a training run (its checkpoint write included) never
    /// leaves a half-written model: the file there before is always still a valid checkpoint.
    @Test func killingATrainerNeverLeavesAHalfWrittenCheckpoint() throws {
        let directory = try Self.temporaryDirectory()
        #expect(try Self.run(["generate", "--out", directory.path + "/data", "--users", "150", "--items", "60"]).status == 0)
        let checkpoint = directory.path + "/model.safetensors"
        let arguments = [
            "train", "--dataset", directory.path + "/data/events.tsv", "--out", checkpoint,
            "--dim", "16", "--inner", "32", "--epochs", "2", "--batch", "32"
        ]
        #expect(try Self.run(arguments).status == 0)
        for delay in stride(from: 0.05, through: 1.6, by: 0.13) {
            let process = try ChildProcess(Self.binary.path, arguments)
            Thread.sleep(forTimeInterval: delay)
            process.signal(SIGKILL)
            _ = process.waitForExit()
            let check = try Self.run([
                "eval", "--dataset", directory.path + "/data/events.tsv", "--models", "sasrec", "--checkpoint", checkpoint,
                "--out", directory.path + "/eval"
            ])
            #expect(check.status == 0, "after kill -9 at \(delay) s: \(check.stderr)")
        }
    }

    @Test func neighbourTextAndColdStartFlagsAreCheckedBeforeAnyWork() throws {
        let cases: [([String], String)] = [
            (["train", "--dataset", "x", "--out", "y", "--neighbour-weights", "5,-1"], "--neighbour-weights"),
            (["train", "--dataset", "x", "--out", "y", "--neighbour-weights", "5,,10"], "--neighbour-weights"),
            (["train", "--dataset", "x", "--out", "y", "--text-weights", "2,inf"], "--text-weights"),
            (["train", "--dataset", "x", "--out", "y", "--new-item-rank", "101"], "--new-item-rank"),
            (["train", "--dataset", "x", "--out", "y", "--new-item-threshold", "1.5"], "--new-item-threshold"),
            (["serve", "--data-dir", "/nonexistent", "--new-item-rank", "-1"], "--new-item-rank"),
            (["train", "--dataset", "x", "--out", "y", "--model", "pop", "--item-text", "t.safetensors"], "--item-text"),
            (["train", "--dataset", "x", "--out", "y", "--text-only-share", "1"], "text-only share"),
            (["eval", "--dataset", "x", "--cold-items", "1.5"], "--cold-items"),
            (["eval", "--dataset", "x", "--cold-items", "0.1", "--checkpoint", "m.safetensors"], "--cold-items")
        ]
        for (arguments, message) in cases {
            let outcome = try Self.run(arguments)
            #expect(outcome.status == 64 && outcome.stderr.contains(message), "\(arguments): \(outcome.status) \(outcome.stderr)")
        }
    }

    @Test func evalReportsColdTargetUsersApart() throws {
        let directory = try Self.temporaryDirectory()
        #expect(try Self.run(["generate", "--out", directory.path + "/data", "--users", "200", "--items", "80"]).status == 0)
        let outcome = try Self.run([
            "eval", "--dataset", directory.path + "/data/events.tsv", "--models", "pop", "--cold-items", "0.2", "--out", directory.path + "/cold"
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("Cold start (") && outcome.stdout.contains("ColdNDCG@10"), "\(outcome.stdout)")
    }

    @Test func invalidModelShapeIsAUsageError() throws {
        let outcome = try Self.run(["train", "--dataset", "x", "--out", "y", "--dim", "10", "--heads", "3"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("multiple of heads"))
    }
}
