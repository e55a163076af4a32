import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecRank
import NovarecService

/// `eval --dial …`: the dial sweep through the served engine, its dumps, `frontier.json` and `frontier.svg`.
struct DialOptions: ParsableArguments {
    @Option(
        name: .customLong("dial"),
        help:
            "A dial and its values, e.g. novelty=0,0.1,0.5 or diversity=0,0.2 (repeatable; needs --checkpoint, which may then list several files, comma-separated).",
        transform: DialOptions.parseDial)
    var dials: [Dial] = []

    @Option(help: "Comma-separated re-rankers for --dial: \(RerankerCatalog.names.joined(separator: ", ")) (default: the service's).")
    var reranker: String?

    struct Dial {
        let name: String
        let values: [Double]
    }

    var isEmpty: Bool { dials.isEmpty }

    static func parseDial(_ text: String) throws -> Dial {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["novelty", "diversity"].contains(parts[0]) else {
            throw ValidationError("--dial must be novelty=V,V,… or diversity=V,V,…, got '\(text)'")
        }
        let values = parts[1].split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { (0...1).contains($0) } ?? false }) else {
            throw ValidationError("--dial \(parts[0]) values must be numbers between 0 and 1, got '\(parts[1])'")
        }
        return Dial(name: parts[0], values: values.map { $0! })
    }

    func settings(defaultReranker: String) throws -> [DialSweep.Setting] {
        let names = reranker.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [defaultReranker]
        for name in names where !RerankerCatalog.names.contains(name) {
            throw ValidationError("unknown re-ranker '\(name)'; choose from \(RerankerCatalog.names.joined(separator: ", "))")
        }
        let novelty = dials.last { $0.name == "novelty" }?.values ?? [0]
        let diversity = dials.last { $0.name == "diversity" }?.values ?? [0]
        return names.flatMap { name in diversity.flatMap { d in novelty.map { DialSweep.Setting(reranker: name, novelty: $0, diversity: d) } } }
    }

    /// Runs the sweep on the test users for each checkpoint (one curve per checkpoint and
    /// re-ranker) and writes every output into `out`.
    func run(checkpoints: [String], context: EvaluationContext, out: URL) throws {
        let started = Date()
        print(Self.header)
        var points: [(model: String, point: DialSweep.Point)] = []
        for path in checkpoints {
            let model = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let engine = OfflineEngine.make(checkpoint: try SASRecCheckpoint.read(from: URL(fileURLWithPath: path)), context: context)
            let sweep = DialSweep(engine: engine, context: context)
            let swept = try sweep.evaluate(try settings(defaultReranker: engine.model.novelty.reranker.name)) { setting, lists in
                try TopListWriter.write(lists: lists, split: context.split, to: out.appendingPathComponent("\(model)_\(setting.label).top20.tsv"))
            }
            for point in swept { print(Self.row(point, model: model)) }
            points += swept.map { (model, $0) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(points.map { Entry(model: $0.model, point: $0.point) }).write(to: out.appendingPathComponent("frontier.json"))
        let series = Dictionary(grouping: points) { "\($0.model) \($0.point.setting.reranker) d\($0.point.setting.diversity)" }
            .sorted { $0.key < $1.key }.map { name, points in
                FrontierPlot.Series(
                    name: name,
                    points: points.map { ($0.point.metrics["Novelty@10"] ?? 0, $0.point.metrics["NDCG@10"] ?? 0, $0.point.metrics["TailHR@10"] ?? 0) })
            }
        let plot = FrontierPlot(title: "\(context.split.dataset.name): accuracy–novelty frontier (test users, served engine)", series: series)
        try plot.svg().write(to: out.appendingPathComponent("frontier.svg"), atomically: true, encoding: .utf8)
        print(
            String(
                format: "%d settings in %.1f s; wrote %@/frontier.json, frontier.svg and one <model>_<setting>.top20.tsv each",
                points.count, Date().timeIntervalSince(started), out.path))
    }

    /// One line of `frontier.json`.
    struct Entry: Encodable {
        let model: String
        let point: DialSweep.Point
    }

    static let header = "model           setting                                  HR@10   NDCG@10  Novelty@10  TailHR@10  LongTail@10  Coverage@10"

    static func row(_ point: DialSweep.Point, model: String) -> String {
        let m = point.metrics
        return String(
            format: "%-15@ %-38@  %.4f   %.4f    %7.3f     %.4f      %.3f        %.3f", model, point.setting.label, m["HR@10"] ?? 0, m["NDCG@10"] ?? 0,
            m["Novelty@10"] ?? 0, m["TailHR@10"] ?? 0, m["LongTail@10"] ?? 0, m["Coverage@10"] ?? 0)
    }
}
