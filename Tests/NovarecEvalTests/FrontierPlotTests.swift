import Testing
@testable import NovarecEval

struct FrontierPlotTests {
    @Test func drawsTwoPanelsWithOneCurvePerSeriesAndMarksSinglePoints() {
        let plot = FrontierPlot(
            title: "a < b",
            series: [
                .init(name: "popularity-penalty", points: [(9.6, 0.054, 0.072), (10.5, 0.050, 0.075), (11.2, 0.045, 0.073)]),
                .init(name: "peer", points: [(9.6, 0.042, 0.067)])
            ])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2, "one curve per multi-point series and panel")
        #expect(svg.components(separatedBy: "r=\"6\"").count - 1 == 2, "the single point is marked in both panels")
        #expect(svg.contains("NDCG@10") && svg.contains("TailHR@10") && svg.contains("a &lt; b"))
    }
}
