import Foundation
import NovarecHTTP
import Testing
@testable import NovarecService

/// The served-list figures: hand-computed values, the sliding window, the exposition and
/// concurrent recording.
struct ServedListMetricsTests {
    private typealias Figures = ServedListMetrics.Figures

    @Test func figuresOverAFewListsMatchAHandComputation() {
        let metrics = ServedListMetrics()
        metrics.record(items: ["a", "b", "c"], meanNovelty: 0.2, tailItems: 1, catalogueSize: 10)
        metrics.record(items: ["b", "c", "d"], meanNovelty: 0.4, tailItems: 2, catalogueSize: 10)
        metrics.record(items: ["a", "e"], meanNovelty: 0.9, tailItems: 0, catalogueSize: 10)
        // 5 distinct of 10; 3 tail of 8 items; (0.2 + 0.4 + 0.9) / 3.
        #expect(metrics.figures == Figures(coverage: 0.5, longTailShare: 0.375, meanNovelty: 0.5, windowLists: 3, listsTotal: 3))
        metrics.record(items: [], meanNovelty: 0, tailItems: 0, catalogueSize: 20)
        #expect(metrics.figures.coverage == 0.25, "a model swap changes the catalogue coverage divides by")
    }

    @Test func anEmptyWindowReportsZero() {
        #expect(ServedListMetrics().figures == Figures(coverage: 0, longTailShare: 0, meanNovelty: 0, windowLists: 0, listsTotal: 0))
        let noCatalogue = ServedListMetrics()
        noCatalogue.record(items: ["a"], meanNovelty: .nan, tailItems: 5, catalogueSize: 0)
        #expect(noCatalogue.figures == Figures(coverage: 0, longTailShare: 1, meanNovelty: 0, windowLists: 1, listsTotal: 1))
    }

    @Test func listsFallingOutOfTheWindowNoLongerCount() {
        let lists: [(items: [String], novelty: Double, tail: Int)] = [
            (["x", "a"], 1.0, 2), (["a", "b"], 0.8, 1), (["b", "c"], 0.1, 0), (["c", "d", "a"], 0.5, 1), (["d"], 0.3, 1)
        ]
        let windowed = ServedListMetrics(windowLists: 3)
        let lastThree = ServedListMetrics(windowLists: 3)
        for list in lists { windowed.record(items: list.items, meanNovelty: list.novelty, tailItems: list.tail, catalogueSize: 8) }
        for list in lists.suffix(3) { lastThree.record(items: list.items, meanNovelty: list.novelty, tailItems: list.tail, catalogueSize: 8) }
        var expected = lastThree.figures
        expected.listsTotal = 5
        #expect(windowed.figures == expected)
        // "x" was served only in the first list: a, b, c, d remain.
        #expect(windowed.figures.coverage == 0.5)
        #expect(windowed.figures.longTailShare == 2.0 / 6.0)
    }

    @Test func prometheusTextHasHelpTypeAndValueLines() {
        let metrics = ServedListMetrics()
        metrics.record(items: ["a", "b", "c", "d"], meanNovelty: 0.25, tailItems: 1, catalogueSize: 10)
        let lines = Set(PrometheusText.render(ServiceMetrics.servedFamilies(metrics.figures)).split(separator: "\n").map(String.init))
        let expected = [
            "# TYPE novarec_served_catalogue_coverage gauge", "novarec_served_catalogue_coverage 0.4",
            "# TYPE novarec_served_long_tail_share gauge", "novarec_served_long_tail_share 0.25",
            "# TYPE novarec_served_mean_novelty gauge", "novarec_served_mean_novelty 0.25",
            "# TYPE novarec_served_window_lists gauge", "novarec_served_window_lists 1",
            "# TYPE novarec_served_lists_total counter", "novarec_served_lists_total 1"
        ]
        for line in expected { #expect(lines.contains(line), "\(line)") }
        #expect(lines.filter { $0.hasPrefix("# HELP novarec_served_") }.count == 5)
        #expect(PrometheusText.render(ServiceMetrics.servedFamilies(ServedListMetrics().figures)).contains("\nnovarec_served_mean_novelty 0.0\n"))
    }

    @Test func concurrentRecordingKeepsConsistentTotals() {
        let all = ServedListMetrics(windowLists: 10_000)
        let recent = ServedListMetrics(windowLists: 100)
        DispatchQueue.concurrentPerform(iterations: 10_000) { i in
            for metrics in [all, recent] {
                metrics.record(items: ["item\(i % 40)", "shared"], meanNovelty: 0.5, tailItems: 1, catalogueSize: 100)
            }
        }
        #expect(all.figures == Figures(coverage: 0.41, longTailShare: 0.5, meanNovelty: 0.5, windowLists: 10_000, listsTotal: 10_000))
        let figures = recent.figures
        #expect((figures.longTailShare, figures.meanNovelty, figures.windowLists, figures.listsTotal) == (0.5, 0.5, 100, 10_000))
        #expect((0.02...0.41).contains(figures.coverage))
    }
}
