import Foundation
import NovarecCore

/// Top-K metrics over one list per user, with the exact formulas of the project's referee
/// (`shared/bench/referee.py`): accuracy against one held-out target per user, and
/// beyond-accuracy figures (novelty, long tail, coverage, concentration, diversity) computed with
/// training-only popularity and co-occurrence.
public struct RankingMetrics: Sendable {
    public let popularity: PopularityStatistics
    public let cooccurrence: ItemCooccurrence

    public init(popularity: PopularityStatistics, cooccurrence: ItemCooccurrence) {
        self.popularity = popularity
        self.cooccurrence = cooccurrence
    }

    public init(context: EvaluationContext) {
        self.init(popularity: context.popularity, cooccurrence: context.cooccurrence)
    }

    public static let accuracyNames = ["HR", "NDCG", "MRR"]
    public static let beyondAccuracyNames = ["Novelty", "EPC", "EPC-d", "Coverage", "Gini", "LongTail", "TailHR", "ILD"]

    /// All metrics at every cut-off in `ks`, keyed "NDCG@10" and so on.
    /// - Parameters:
    ///   - lists: one ranked list per user (at least `max(ks)` long unless the catalogue is smaller).
    ///   - targets: the held-out item of each user, aligned with `lists`.
    public func evaluate(lists: [[Int32]], targets: [Int32], ks: [Int]) -> [String: Double] {
        precondition(lists.count == targets.count && !lists.isEmpty, "one list per target, at least one")
        var result: [String: Double] = [:]
        let hitPositions = zip(lists, targets).map { list, target in list.firstIndex(of: target).map { $0 + 1 } }
        for k in ks {
            for (name, value) in accuracy(hitPositions: hitPositions, targets: targets, k: k) { result["\(name)@\(k)"] = value }
            for (name, value) in beyondAccuracy(lists: lists.map { Array($0.prefix(k)) }, k: k) { result["\(name)@\(k)"] = value }
        }
        return result
    }

    /// HR, NDCG, MRR (truncated at k) and HR over users whose target is a tail item.
    func accuracy(hitPositions: [Int?], targets: [Int32], k: Int) -> [String: Double] {
        var hits = 0.0
        var ndcg = 0.0
        var mrr = 0.0
        var tailUsers = 0.0
        var tailHits = 0.0
        for (position, target) in zip(hitPositions, targets) {
            let isTail = !popularity.isHead[Int(target)]
            if isTail { tailUsers += 1 }
            guard let position, position <= k else { continue }
            hits += 1
            ndcg += 1 / log2(Double(position) + 1)
            mrr += 1 / Double(position)
            if isTail { tailHits += 1 }
        }
        let users = Double(targets.count)
        return [
            "HR": hits / users, "NDCG": ndcg / users, "MRR": mrr / users,
            "TailHR": tailUsers > 0 ? tailHits / tailUsers : .nan
        ]
    }

    /// Novelty, EPC, EPC-d, Coverage, Gini, LongTail and ILD of lists already cut to `k`.
    func beyondAccuracy(lists: [[Int32]], k: Int) -> [String: Double] {
        let users = Double(lists.count)
        let maxPop = Double(max(popularity.maxUserCount, 1))
        let discounts = (1...k).map { 1 / log2(Double($0) + 1) }
        let discountSum = discounts.reduce(0, +)
        var novelty = 0.0
        var epc = 0.0
        var epcDiscounted = 0.0
        var tail = 0.0
        var exposure = [Int](repeating: 0, count: popularity.itemCount)
        for list in lists {
            var userEPCd = 0.0
            for (slot, item) in list.enumerated() {
                let pop = Double(popularity.userCounts[Int(item)])
                novelty += -log2(max(pop, 1) / users)
                epc += 1 - pop / maxPop
                userEPCd += discounts[slot] * (1 - pop / maxPop)
                if !popularity.isHead[Int(item)] { tail += 1 }
                exposure[Int(item)] += 1
            }
            epcDiscounted += userEPCd / discountSum
        }
        let slots = users * Double(k)
        return [
            "Novelty": novelty / slots, "EPC": epc / slots, "EPC-d": epcDiscounted / users,
            "Coverage": Double(exposure.lazy.filter { $0 > 0 }.count) / Double(popularity.itemCount),
            "Gini": RankingMetrics.gini(exposure), "LongTail": tail / slots,
            "ILD": intraListDistance(lists)
        ]
    }

    /// Gini index of exposure counts over the whole catalogue (0 = equal exposure).
    static func gini(_ counts: [Int]) -> Double {
        let sorted = counts.sorted().map(Double.init)
        let total = sorted.reduce(0, +)
        guard total > 0 else { return 0 }
        let n = Double(sorted.count)
        var weighted = 0.0
        for (offset, count) in sorted.enumerated() { weighted += (2 * Double(offset + 1) - n - 1) * count }
        return weighted / (n * total)
    }

    /// Mean pairwise distance inside each list, `d(i, j) = 1 − c_ij / sqrt(n_i n_j)` on training
    /// users (1 when either item has none), averaged over users.
    func intraListDistance(_ lists: [[Int32]]) -> Double {
        let perChunk = Parallel.mapChunks(count: lists.count, chunks: 64) { range in
            range.reduce(0.0) { sum, user in sum + meanPairDistance(lists[user]) }
        }
        return perChunk.reduce(0, +) / Double(lists.count)
    }

    private func meanPairDistance(_ list: [Int32]) -> Double {
        guard list.count > 1 else { return 0 }
        var total = 0.0
        for a in 0..<(list.count - 1) {
            for b in (a + 1)..<list.count {
                let norm = (Double(popularity.userCounts[Int(list[a])]) * Double(popularity.userCounts[Int(list[b])])).squareRoot()
                let similarity = norm > 0 ? Double(cooccurrence.count(list[a], list[b])) / norm : 0
                total += 1 - similarity
            }
        }
        return total / Double(list.count * (list.count - 1) / 2)
    }
}
