/// Item popularity computed from training sequences only (never from held-out targets).
///
/// Definitions follow the referee: `userCounts[i]` is the number of distinct users whose
/// training part contains item `i`; the head is the most-interacted items (by interaction count,
/// ties by index) taken until their cumulative share of training interactions first reaches
/// `headShare`; every other item is in the tail.
public struct PopularityStatistics: Sendable {
    public let userCounts: [Int]
    public let interactionCounts: [Int]
    public let maxUserCount: Int
    public let isHead: [Bool]
    public let trainingInteractions: Int

    public init(itemCount: Int, trainingSequences: [ArraySlice<Int32>], headShare: Double = 0.2) {
        var userCounts = Array(repeating: 0, count: itemCount)
        var interactionCounts = Array(repeating: 0, count: itemCount)
        var lastUser = Array(repeating: -1, count: itemCount)
        for (user, sequence) in trainingSequences.enumerated() {
            for item in sequence.map(Int.init) {
                interactionCounts[item] += 1
                if lastUser[item] != user {
                    lastUser[item] = user
                    userCounts[item] += 1
                }
            }
        }
        let total = interactionCounts.reduce(0, +)
        let isHead = Self.head(of: interactionCounts, share: headShare)
        self.userCounts = userCounts
        self.interactionCounts = interactionCounts
        self.maxUserCount = userCounts.max() ?? 0
        self.isHead = isHead
        self.trainingInteractions = total
    }

    public var itemCount: Int { userCounts.count }

    /// The head of a popularity distribution: the most popular items (ties to the smaller index)
    /// that together take `share` of all `counts`; every other item is long tail.
    public static func head(of counts: [Int], share: Double = 0.2) -> [Bool] {
        let total = counts.reduce(0, +)
        let order = counts.indices.sorted { (-counts[$0], $0) < (-counts[$1], $1) }
        var isHead = Array(repeating: false, count: counts.count)
        var cumulative = 0
        for item in order {
            if Double(cumulative) >= share * Double(total) { break }
            isHead[item] = true
            cumulative += counts[item]
        }
        return isHead
    }
    public var headCount: Int { isHead.lazy.filter { $0 }.count }
}
