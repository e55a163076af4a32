/// Picks the `k` best-scoring items of a score vector, best first, ties broken by the smaller
/// index. Items scored `-infinity` (excluded) or NaN are never picked, so a list can be shorter
/// than `k` only when fewer items remain.
///
/// Serving picks 200 candidates out of the whole catalogue on every request, so this is on the
/// hot path: a strided sample estimates a score about `2k` items reach, one predictable pass
/// keeps the items above it, and quickselect plus a sort of `k` finish on that short list
/// (with the whole catalogue as the short list when the estimate was too high).
public enum TopKSelector {
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [Int32] {
        guard k > 0 else { return [] }
        var candidates = shortlist(scores, k: k, threshold: sampledThreshold(scores, k: k))
        if candidates.count < k { candidates = shortlist(scores, k: k, threshold: -Float.infinity) }
        var values = candidates.map(\.score)
        let cutoff = values.count > k ? kthLargest(&values, k: k) : -Float.infinity
        var above = 0
        for value in values where value > cutoff { above += 1 }
        var tiesLeft = k - above
        var picked: [Candidate] = []
        picked.reserveCapacity(min(k, candidates.count))
        for candidate in candidates {
            if candidate.score > cutoff {
                picked.append(candidate)
            } else if candidate.score == cutoff, tiesLeft > 0 {
                picked.append(candidate)
                tiesLeft -= 1
            }
        }
        picked.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        return picked.map(\.index)
    }

    private struct Candidate {
        let score: Float
        let index: Int32
    }

    /// Every item scoring at least `threshold` (and above -infinity), in index order.
    private static func shortlist(_ scores: UnsafeBufferPointer<Float>, k: Int, threshold: Float) -> [Candidate] {
        var candidates: [Candidate] = []
        candidates.reserveCapacity(min(scores.count, 4 * k))
        for index in 0..<scores.count {
            let score = scores[index]
            if score >= threshold, score > -Float.infinity { candidates.append(Candidate(score: score, index: Int32(index))) }
        }
        return candidates
    }

    /// A score that about `2k` items reach, estimated from an evenly strided sample of about
    /// 1,024 scores; -infinity when the catalogue is small.
    private static func sampledThreshold(_ scores: UnsafeBufferPointer<Float>, k: Int) -> Float {
        let stride = scores.count / 1_024
        guard stride >= 2, 2 * k < scores.count / 2 else { return -Float.infinity }
        var sample: [Float] = []
        sample.reserveCapacity(1_100)
        var index = 0
        while index < scores.count {
            if scores[index] > -Float.infinity { sample.append(scores[index]) }
            index += stride
        }
        let rank = (2 * k * sample.count) / scores.count + 1
        guard sample.count > rank else { return -Float.infinity }
        return kthLargest(&sample, k: rank)
    }

    /// The 1-based rank that `target` would get in the full ranking (same tie rule as `select`),
    /// or nil when the target is excluded.
    public static func rank(of target: Int32, in scores: UnsafeBufferPointer<Float>) -> Int? {
        let targetScore = scores[Int(target)]
        guard targetScore > -Float.infinity else { return nil }
        var better = 0
        for index in 0..<scores.count {
            let score = scores[index]
            if score > targetScore || (score == targetScore && index < Int(target)) { better += 1 }
        }
        return better + 1
    }

    /// The k-th largest of `values` (1-based, `values.count > k`); reorders `values`.
    /// Hoare-style partitioning around a median of three.
    static func kthLargest(_ values: inout [Float], k: Int) -> Float {
        values.withUnsafeMutableBufferPointer { buffer in
            var low = 0
            var high = buffer.count - 1
            let target = k - 1
            while low < high {
                let middle = low + (high - low) / 2
                let pivot = medianOfThree(buffer[low], buffer[middle], buffer[high])
                var i = low
                var j = high
                while i <= j {
                    while buffer[i] > pivot { i += 1 }
                    while buffer[j] < pivot { j -= 1 }
                    if i <= j {
                        buffer.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if target <= j {
                    high = j
                } else if target >= i {
                    low = i
                } else {
                    return buffer[target]
                }
            }
            return buffer[target]
        }
    }

    private static func medianOfThree(_ a: Float, _ b: Float, _ c: Float) -> Float {
        max(min(a, b), min(max(a, b), c))
    }
}
