import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML

extension DatasetFormat: ExpressibleByArgument {}
extension BaselineKind: ExpressibleByArgument {}

/// `novarec eval`: the offline protocol of DESIGN.md §7 for a list of models on one dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate models offline: leave-one-out by time, full ranking, history excluded.",
        discussion: """
            Prints an accuracy table and a beyond-accuracy table, writes DIR/results.json and, per \
            model, DIR/<model>.top20.tsv (user<TAB>i1,i2,... with original ids) for the referee.
            """
    )

    @Option(help: "Dataset file or directory.")
    var dataset: String

    @Option(help: "Dataset format: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected from the path).")
    var format: DatasetFormat?

    @Option(help: "Comma-separated models: \(BaselineKind.allCases.map(\.rawValue).joined(separator: ", ")).",
            transform: EvalCommand.parseModels)
    var models: [BaselineKind] = BaselineKind.allCases

    @Option(help: "Comma-separated cut-offs K.", transform: EvalCommand.parseCutoffs)
    var k: [Int] = [10, 20]

    @Option(help: "Output directory for results.json and the top-20 dumps.")
    var out: String = "eval-results"

    func run() throws {
        log("OpenBLAS kernel: \(OpenBLASRuntime.coreName), \(OpenBLASRuntime.threadCount) thread(s)")
        let data: Dataset
        do {
            data = try DatasetLoader.load(path: dataset, format: format)
        } catch {
            throw CommandFailure(description: error.description)
        }
        log("dataset \(data.name): \(data.users.count) users, \(data.items.count) items, \(data.interactionCount) interactions")
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        let display = ProgressDisplay()
        let context = EvaluationContext(dataset: data)
        let evaluation = OfflineEvaluation(context: context, cutoffs: k, observer: display)
        var report = EvaluationReport(context: context, cutoffs: k)
        for model in models {
            let result = try evaluation.evaluate(model) { lists in
                try TopListWriter.write(lists: lists, split: context.split, to: outURL.appendingPathComponent("\(model.rawValue).top20.tsv"))
            }
            log(String(format: "%@: valid NDCG@10 %.4f with %@; trained in %.1fs, evaluated in %.1fs",
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

    static func parseModels(_ text: String) throws -> [BaselineKind] {
        try text.split(separator: ",").map { name in
            guard let kind = BaselineKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown model '\(name)'; choose from \(BaselineKind.allCases.map(\.rawValue).joined(separator: ", "))")
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
