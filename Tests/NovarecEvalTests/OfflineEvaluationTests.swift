import Foundation
import NovarecCore
import Testing
@testable import NovarecEval

struct OfflineEvaluationTests {
    @Test func writesRefereeFormatListsAndAReport() throws {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 300
        configuration.items = 120
        let context = EvaluationContext(dataset: SyntheticShopGenerator(configuration: configuration).generate())
        let evaluation = OfflineEvaluation(context: context, cutoffs: [5, 10])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("pop.top20.tsv")
        let result = try evaluation.evaluate(.pop) { lists in
            try TopListWriter.write(lists: lists, split: context.split, to: file)
        }
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == context.split.userCount)
        let first = lines[0].split(separator: "\t")
        #expect(first[0] == Substring(context.split.dataset.users.id(at: context.split.users[0])))
        let items = first[1].split(separator: ",")
        #expect(items.count == 20 && Set(items).count == 20)
        #expect(items.allSatisfy { context.split.dataset.items.index(of: String($0)) != nil })
        let history = Set(context.split.history(0, stage: .test).map { context.split.dataset.items.id(at: $0) })
        #expect(items.allSatisfy { !history.contains(String($0)) }, "seen items are excluded")
        for name in ["HR@5", "NDCG@10", "Novelty@10", "ILD@5", "Gini@10", "Coverage@5"] {
            #expect(result.metrics[name] != nil, "\(name) reported")
        }

        var report = EvaluationReport(context: context, cutoffs: [5, 10])
        report.models.append(result)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: report.jsonData())
        #expect(decoded.models.first?.metrics == result.metrics)
        let tables = report.formattedTables()
        #expect(tables.contains("NDCG@10") && tables.contains("LongTail@5"))
        #expect(tables.split(separator: "\n").contains { $0.hasPrefix("pop ") })
    }

    @Test func coldTargetUsersAreReportedApart() throws {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 300
        configuration.items = 60
        let cold = ColdItems(from: SyntheticShopGenerator(configuration: configuration).generate(), fraction: 0.2)
        let context = EvaluationContext(dataset: cold.dataset)
        var evaluation = OfflineEvaluation(context: context, cutoffs: [10])
        evaluation.coldItems = Set(cold.items)
        let result = try evaluation.evaluate(.pop)
        let coldUsers = context.targets(.test).filter { evaluation.coldItems.contains($0) }.count
        #expect(coldUsers > 0 && result.metrics["ColdUsers"] == Double(coldUsers))
        #expect(result.metrics["ColdHR@10"] == 0, "popularity never ranks an item nobody has bought")
        var report = EvaluationReport(context: context, cutoffs: [10])
        report.models.append(result)
        #expect(report.formattedTables().contains("Cold start (\(coldUsers) users"))
        evaluation.coldItems = []
        #expect(try evaluation.evaluate(.pop).metrics["ColdUsers"] == nil)
    }
}
