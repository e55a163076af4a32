/// Maps the served novelty dial to a re-ranker's own dial so that equal steps of the served dial
/// buy equal steps of novelty: `0` is the re-ranker's dial 0 (the model's order), `1` its
/// strongest setting, and `0.5` the strength whose measured novelty lies half way between —
/// whatever the model and dataset. Built from a measured frontier (strength → achieved mean
/// novelty on validation users) at training time and carried in the checkpoint.
public struct DialScale: Sendable, Equatable, Codable {
    /// Re-ranker strengths at served dials `0, 1/(n−1), …, 1`; non-decreasing.
    public let strengths: [Double]

    /// The identity: the served dial is the re-ranker's dial.
    public static let identity = DialScale(strengths: [0, 1])

    public init(strengths: [Double]) {
        precondition(strengths.count >= 2, "a scale needs both ends")
        var running = 0.0
        self.strengths = strengths.map { value in
            running = max(running, min(max(value, 0), 1))
            return running
        }
    }

    /// A scale from a measured frontier: `novelty[j]` is the mean novelty achieved at re-ranker
    /// strength `strengths[j]` (ascending). Returns `steps + 1` strengths at equally spaced
    /// novelty targets between the first and the last point, by linear interpolation.
    public init(frontier strengths: [Double], novelty: [Double], steps: Int = 10) {
        precondition(strengths.count == novelty.count && !strengths.isEmpty && steps >= 1)
        var achieved = novelty
        for index in achieved.indices.dropFirst() { achieved[index] = max(achieved[index], achieved[index - 1]) }
        let low = achieved.first!
        let high = achieved.last!
        let points = (0...steps).map { step -> Double in
            let target = low + (high - low) * Double(step) / Double(steps)
            guard high > low, let upper = achieved.firstIndex(where: { $0 >= target }) else { return strengths.last! * Double(step) / Double(steps) }
            guard upper > 0, achieved[upper] > achieved[upper - 1] else { return strengths[upper] }
            let fraction = (target - achieved[upper - 1]) / (achieved[upper] - achieved[upper - 1])
            return strengths[upper - 1] + fraction * (strengths[upper] - strengths[upper - 1])
        }
        self.init(strengths: points)
    }

    /// The re-ranker strength for served dial `dial` (clamped to [0, 1]).
    public func strength(at dial: Double) -> Double {
        let position = min(max(dial, 0), 1) * Double(strengths.count - 1)
        let lower = Int(position.rounded(.down))
        guard lower < strengths.count - 1 else { return strengths.last! }
        let fraction = position - Double(lower)
        return strengths[lower] + fraction * (strengths[lower + 1] - strengths[lower])
    }
}
