/// `charts.js`: small inline-SVG line charts (no library, no canvas), used by the Live page and
/// the dial scale on the Models page. Each chart is an image with a text alternative.
enum ConsoleCharts {
    static let source = #"""
        "use strict";
        window.NovarecCharts = (() => {
          const SVG = "http://www.w3.org/2000/svg";

          function svgElement(tag, attributes) {
            const node = document.createElementNS(SVG, tag);
            for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
            return node;
          }

          // A line through `values` (oldest first) scaled into a 100 x 40 box; `min`/`max` fix the
          // vertical range (else the values' own), `label` is what a screen reader hears.
          function line(values, { min, max, label }) {
            const lo = min ?? Math.min(...values), hi = max ?? Math.max(...values);
            const span = hi - lo || 1;
            const x = (i) => values.length > 1 ? (i * 100) / (values.length - 1) : 50;
            const y = (v) => 38 - ((v - lo) / span) * 36;
            const svg = svgElement("svg", { class: "chart", viewBox: "0 0 100 40", preserveAspectRatio: "none", role: "img", "aria-label": label });
            svg.append(svgElement("line", { x1: 0, y1: 39, x2: 100, y2: 39 }));
            const points = values.map((v, i) => `${x(i).toFixed(2)},${y(v).toFixed(2)}`).join(" ");
            svg.append(svgElement("polyline", { points: values.length === 1 ? `0,${y(values[0])} 100,${y(values[0])}` : points }));
            return svg;
          }

          return { line };
        })();
        """#
}
