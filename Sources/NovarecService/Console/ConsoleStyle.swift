/// The console's style sheet: one column on a phone, panels side by side where they fit,
/// system fonts, visible focus, colours with enough contrast in light and dark schemes.
enum ConsoleStyle {
    static let source = #"""
        :root { --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --panel: #f6f8fa; --bad: #a40e26; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --accent: #58a6ff; --panel: #161b22; --bad: #ff7b72; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        header, main { max-width: 80rem; margin: 0 auto; padding: 0.75rem 1rem; }
        header { border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.4rem; margin: 0 0 0.5rem; }
        h2 { font-size: 1.15rem; } h3 { font-size: 1rem; margin: 0 0 0.25rem; }
        .hint, .facts { color: var(--muted); font-size: 0.875rem; }
        .key { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; margin-bottom: 0.5rem; }
        input, button { font: inherit; color: inherit; }
        input[type=text], input:not([type]), input[type=password], input[type=number] {
          padding: 0.35rem 0.5rem; border: 1px solid var(--line); border-radius: 0.3rem; background: var(--bg); min-width: 0; }
        button { padding: 0.4rem 0.8rem; border: 1px solid var(--accent); border-radius: 0.3rem; background: var(--accent); color: #fff; cursor: pointer; }
        button[role=tab] { background: transparent; color: var(--fg); border-color: var(--line); }
        button[role=tab][aria-selected=true] { background: var(--accent); color: #fff; border-color: var(--accent); }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        nav { display: flex; flex-wrap: wrap; gap: 0.4rem; }
        .query { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
        .query input[type=number] { width: 6rem; }
        .error { color: var(--bad); min-height: 1.2em; margin: 0.25rem 0; }
        .lists { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 0.75rem; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 0.4rem; padding: 0.6rem 0.75rem; min-width: 0; }
        .panel:empty { display: none; }
        .wide { margin-top: 0.75rem; overflow-x: auto; }
        ol.items { margin: 0.25rem 0 0; padding-left: 1.6rem; }
        ol.items li { margin: 0.35rem 0; }
        .item-line { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: baseline; }
        .linkish { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer; text-align: left; }
        .reason { color: var(--muted); font-size: 0.875rem; }
        meter { width: 4rem; }
        .dial { margin-top: 1rem; }
        .dial input[type=range] { width: min(24rem, 100%); display: block; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0.25rem 0; }
        dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
        th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        svg.chart { width: 100%; height: 5rem; display: block; }
        svg.chart polyline { fill: none; stroke: var(--accent); stroke-width: 2; vector-effect: non-scaling-stroke; }
        svg.chart line { stroke: var(--line); }
        .figure { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        """#
}
