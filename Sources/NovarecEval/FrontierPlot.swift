import Foundation

/// The accuracy–novelty frontier as an SVG drawing with two panels — NDCG@10 against
/// Novelty@10 and TailHR@10 against Novelty@10 — one curve per method, single points (baselines)
/// marked. Plain SVG text, no plotting library.
public struct FrontierPlot: Sendable {
    /// One method's measured points, in dial order.
    public struct Series: Sendable {
        public let name: String
        /// (Novelty@10, NDCG@10, TailHR@10) per setting.
        public let points: [(novelty: Double, ndcg: Double, tailHR: Double)]

        public init(name: String, points: [(novelty: Double, ndcg: Double, tailHR: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var series: [Series]
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    public func svg() -> String {
        let width = 960.0
        let height = 420.0
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(width / 2))" y="18" text-anchor="middle" font-size="14">\(escape(title))</text>

            """
        out += panel(x: 60, label: "NDCG@10") { $0.ndcg }
        out += panel(x: 540, label: "TailHR@10") { $0.tailHR }
        for (index, series) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let y = 60 + 16 * Double(index)
            out += "<rect x=\"\(width - 150)\" y=\"\(y - 9)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(width - 135)\" y=\"\(y)\">\(escape(series.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// One panel 360 × 300 at (`x`, 40): axes with ticks, one polyline or marker per series.
    private func panel(x: Double, label: String, value: ((novelty: Double, ndcg: Double, tailHR: Double)) -> Double) -> String {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return "" }
        let (w, h, top) = (360.0, 300.0, 40.0)
        let xs = all.map(\.novelty)
        let ys = all.map(value)
        let (x0, x1) = padded(xs.min()!, xs.max()!)
        let (y0, y1) = padded(ys.min()!, ys.max()!)
        let px = { (v: Double) in x + (v - x0) / (x1 - x0) * w }
        let py = { (v: Double) in top + h - (v - y0) / (y1 - y0) * h }
        var out = "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#888\"/>\n"
        for step in 0...4 {
            let vx = x0 + (x1 - x0) * Double(step) / 4
            let vy = y0 + (y1 - y0) * Double(step) / 4
            out += "<text x=\"\(format(px(vx)))\" y=\"\(top + h + 16)\" text-anchor=\"middle\">\(String(format: "%.2f", vx))</text>"
            out += "<text x=\"\(x - 6)\" y=\"\(format(py(vy) + 4))\" text-anchor=\"end\">\(String(format: "%.4f", vy))</text>\n"
        }
        out += "<text x=\"\(x + w / 2)\" y=\"\(top + h + 34)\" text-anchor=\"middle\">Novelty@10</text>"
        out += "<text x=\"\(x + 8)\" y=\"\(top + 14)\">\(label)</text>\n"
        for (index, series) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let coordinates = series.points.map { "\(format(px($0.novelty))),\(format(py(value($0))))" }
            if series.points.count > 1 {
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>\n"
            }
            for point in series.points {
                out +=
                    "<circle cx=\"\(format(px(point.novelty)))\" cy=\"\(format(py(value(point))))\" r=\"\(series.points.count > 1 ? 3 : 6)\" fill=\"\(colour)\"/>\n"
            }
        }
        return out
    }

    private func padded(_ low: Double, _ high: Double) -> (Double, Double) {
        let margin = max((high - low) * 0.05, 1e-6)
        return (low - margin, high + margin)
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
