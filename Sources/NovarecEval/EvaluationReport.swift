import Foundation
import NovarecCore

/// The outcome of evaluating one model on the test targets: what was chosen, how long it took,
/// and every metric.
public struct ModelEvaluation: Sendable, Codable {
    public let model: String
    public let hyperparameters: [String: Double]
    public let validationNDCG10: Double
    public let trainingSeconds: Double
    public let evaluationSeconds: Double
    /// Metric name ("NDCG@10") to value; a metric that is undefined (no tail users) is absent.
    public let metrics: [String: Double]
    public let tuning: [TrainedModel.Trial]

    public init(trained: TrainedModel, evaluationSeconds: Double, metrics: [String: Double]) {
        self.model = trained.recommender.name
        self.hyperparameters = trained.recommender.hyperparameters
        self.validationNDCG10 = trained.validationNDCG
        self.trainingSeconds = trained.trainingSeconds
        self.evaluationSeconds = evaluationSeconds
        self.metrics = metrics.filter { !$0.value.isNaN }
        self.tuning = trained.trials
    }
}

/// A whole `novarec eval` run: dataset facts and one evaluation per model, printable as aligned
/// tables and serialisable as `results.json`.
public struct EvaluationReport: Sendable, Codable {
    public struct DatasetSummary: Sendable, Codable {
        public let name: String
        public let users: Int
        public let evaluatedUsers: Int
        public let items: Int
        public let interactions: Int
        public let trainingInteractions: Int
        public let headItems: Int
        public let tailTestUsers: Int
    }

    public let dataset: DatasetSummary
    public let cutoffs: [Int]
    public let protocol_: String
    public var models: [ModelEvaluation] = []

    enum CodingKeys: String, CodingKey {
        case dataset, cutoffs, protocol_ = "protocol", models
    }

    public init(context: EvaluationContext, cutoffs: [Int]) {
        let split = context.split
        let testTargets = context.targets(.test)
        dataset = DatasetSummary(
            name: split.dataset.name, users: split.dataset.users.count, evaluatedUsers: split.userCount,
            items: split.itemCount, interactions: split.dataset.interactionCount,
            trainingInteractions: context.popularity.trainingInteractions, headItems: context.popularity.headCount,
            tailTestUsers: testTargets.filter { !context.popularity.isHead[Int($0)] }.count)
        self.cutoffs = cutoffs
        self.protocol_ = "leave-one-out by time; full ranking over all items; history excluded; popularity from training part"
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The accuracy block and the beyond-accuracy block, as aligned text tables.
    public func formattedTables() -> String {
        let accuracy = cutoffs.flatMap { k in RankingMetrics.accuracyNames.map { "\($0)@\(k)" } }
        let beyond = cutoffs.flatMap { k in RankingMetrics.beyondAccuracyNames.map { "\($0)@\(k)" } }
        var blocks = [
            "Accuracy (test targets, \(dataset.evaluatedUsers) users, \(dataset.items) items)",
            table(columns: accuracy),
            "Beyond accuracy (head = \(dataset.headItems) items, \(dataset.tailTestUsers) tail test users)",
            table(columns: beyond)
        ]
        if let coldUsers = models.lazy.compactMap({ $0.metrics["ColdUsers"] }).first {
            blocks += [
                "Cold start (\(Int(coldUsers)) users whose test item nobody had interacted with)",
                table(columns: cutoffs.flatMap { ["ColdHR@\($0)", "ColdNDCG@\($0)"] })
            ]
        }
        return blocks.joined(separator: "\n")
    }

    private func table(columns: [String]) -> String {
        let header = ["model"] + columns
        let rows = models.map { evaluation in
            [evaluation.model] + columns.map { evaluation.metrics[$0].map { String(format: "%.4f", $0) } ?? "—" }
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max()!
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Writes top-N lists in the referee's format: `user<TAB>i1,i2,...`, best first, original ids.
public enum TopListWriter {
    public static func write(lists: [[Int32]], split: LeaveOneOutSplit, to url: URL) throws {
        var text = ""
        text.reserveCapacity(lists.count * 128)
        for (position, list) in lists.enumerated() {
            text += split.dataset.users.id(at: split.users[position])
            text += "\t"
            text += list.map { split.dataset.items.id(at: $0) }.joined(separator: ",")
            text += "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
