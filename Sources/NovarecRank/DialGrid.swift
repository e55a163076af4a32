/// The running maximum that keeps a re-ranker monotone in its novelty dial when its lists are not
/// monotone by themselves (set-dependent gains, redundancy penalties, or a "novelty" that is not
/// the global one). The dial is quantised to the nearest 0.05 and the list for it is the most
/// novel (by global `meanNovelty`) of the lists made for the grid dials 0, 0.05, … up to it, ties
/// to the higher dial so the method still acts when novelty ties. Raising the dial only adds lists
/// to choose from, so the result is monotone for every dial, not just on the grid; the price is at
/// most 21 passes and a dial that moves in steps of 0.05.
enum DialGrid {
    /// Grid points per unit of the dial.
    static let steps = 20

    /// The grid dials from 0 up to `dial` rounded to the nearest grid point; `[0]` for dial 0.
    static func dials(upTo dial: Double) -> [Double] {
        let last = Int((min(max(dial, 0), 1) * Double(steps)).rounded())
        return (0...last).map { Double($0) / Double(steps) }
    }

    /// The most novel of `ranking(dial)` over `dials(upTo: dial)`.
    static func mostNovel(upTo dial: Double, _ ranking: (Double) -> Ranking) -> Ranking {
        let grid = dials(upTo: dial)
        var best = ranking(grid[0])
        for value in grid.dropFirst() {
            let candidate = ranking(value)
            if candidate.meanNovelty >= best.meanNovelty { best = candidate }
        }
        return best
    }
}
