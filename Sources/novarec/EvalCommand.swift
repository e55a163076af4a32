import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML

extension ModelKind: ExpressibleByArgument {}

/// `novarec eval`: the offline protocol of DESIGN.md §7 for a list of models on one dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate models offline: leave-one-out by time, full ranking, history excluded.",
        discussion: """
            Prints an accuracy table and a beyond-accuracy table, writes DIR/results.json and, per \
            model, DIR/<model>.top20.tsv (user<TAB>i1,i2,... with original ids) for the referee. \
            With --dial and --checkpoint: asks the served engine for every test user's list at each \
            setting and writes DIR/<setting>.top20.tsv, DIR/frontier.json and DIR/frontier.svg. \
            With --cold-items: DIR/cold-items.txt lists the items made cold (original ids).
            """
    )

    @OptionGroup var data: DatasetOptions

    @Option(
        help: "Comma-separated models: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).",
        transform: EvalCommand.parseModels)
    var models: [ModelKind] = [.pop, .itemknn, .ease]

    @Option(help: "Comma-separated cut-offs K.", transform: EvalCommand.parseCutoffs)
    var k: [Int] = [10, 20]

    @Option(help: "Output directory for results.json and the top-20 dumps.")
    var out: String = "eval-results"

    @Option(help: "A trained SASRec checkpoint to evaluate as 'sasrec' (otherwise sasrec is trained here).")
    var checkpoint: String?

    @Option(
        help:
            "Cold-start protocol: remove every interaction with this seeded share of the items except test targets, and report HR/NDCG over the users whose test item is one of them."
    )
    var coldItems: Double?

    @OptionGroup(title: "Transformer (when sasrec is trained here)") var transformer: TransformerOptions

    @OptionGroup(title: "Novelty dial sweep through the served engine") var dial: DialOptions

    func validate() throws {
        guard dial.isEmpty || checkpoint != nil else { throw ValidationError("--dial evaluates a trained model: give --checkpoint") }
        guard coldItems.map({ $0 > 0 && $0 < 1 }) ?? true else { throw ValidationError("--cold-items must be a share in (0, 1), e.g. 0.1") }
        guard coldItems == nil || checkpoint == nil else {
            throw ValidationError("--cold-items trains every model on the reduced data; drop --checkpoint")
        }
    }

    func run() throws {
        log("OpenBLAS kernel: \(OpenBLASRuntime.coreName), \(OpenBLASRuntime.threadCount) thread(s)")
        let cold = try coldItems.map { ColdItems(from: try data.load(), fraction: $0) }
        let dataset = try cold?.dataset ?? data.load()
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        let display = ProgressDisplay()
        let context = try EvaluationContext.checked(dataset)
        if !dial.isEmpty, let checkpoint {
            return try dial.run(checkpoints: checkpoint.split(separator: ",").map(String.init), context: context, out: outURL)
        }
        var evaluation = OfflineEvaluation(context: context, cutoffs: k, observer: display)
        try transformer.configure(&evaluation.trainer, for: dataset)
        evaluation.coldItems = Set(cold?.items ?? [])
        if let cold {
            let ids = cold.items.map { dataset.items.id(at: $0) + "\n" }.joined()
            try Data(ids.utf8).write(to: outURL.appendingPathComponent("cold-items.txt"))
        }
        let trainingDisplay = TrainingDisplay()
        evaluation.trainer.trainingProgress = { trainingDisplay.show($0) }
        if let checkpoint {
            evaluation.trainer.sasrecCheckpoint = try SASRecCheckpoint.read(from: URL(fileURLWithPath: checkpoint))
        }
        var report = EvaluationReport(context: context, cutoffs: k)
        for model in models {
            let result = try evaluation.evaluate(model) { lists in
                try TopListWriter.write(lists: lists, split: context.split, to: outURL.appendingPathComponent("\(model.rawValue).top20.tsv"))
            }
            log(
                String(
                    format: "%@: valid NDCG@10 %.4f with %@; trained in %.1fs, evaluated in %.1fs",
                    model.rawValue, result.validationNDCG10, describe(result.hyperparameters), result.trainingSeconds, result.evaluationSeconds))
            report.models.append(result)
        }
        try report.jsonData().write(to: outURL.appendingPathComponent("results.json"))
        print(report.formattedTables())
        print("wrote \(outURL.path)/results.json and \(models.map { "\($0.rawValue).top20.tsv" }.joined(separator: ", "))")
    }

    private func describe(_ hyperparameters: [String: Double]) -> String {
        guard !hyperparameters.isEmpty else { return "no hyper-parameters" }
        return hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formatted())" }.joined(separator: " ")
    }

    static func parseModels(_ text: String) throws -> [ModelKind] {
        try text.split(separator: ",").map { name in
            guard let kind = ModelKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown model '\(name)'; choose from \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    static func parseCutoffs(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 1000 }) else {
            throw ValidationError("--k must be comma-separated integers between 1 and 1000, got '\(text)'")
        }
        return values.map { $0! }
    }
}

/// A failure of a command's work (not of its arguments): printed as one line, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
