/// Picks the `k` best-scoring items of a score vector, best first, ties broken by the smaller
/// index. Items scored `-infinity` (excluded) or NaN are never picked, so a list can be shorter
/// than `k` only when fewer items remain.
///
/// Serving picks 256 candidates out of the whole catalogue for every freshly scored user, so this
/// is on the hot path: a strided sample estimates a score about `2k` items reach, one predictable
/// pass keeps the items above it (the whole catalogue when the estimate was too high), and the
/// short list is ordered by a stable radix sort on the score's bits. Sorting, unlike a
/// quickselect, does not branch on the data: on fresh scores every such branch is a coin toss
/// the CPU mispredicts.
public enum TopKSelector {
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [Int32] {
        guard k > 0 else { return [] }
        var candidates = shortlist(scores, threshold: sampledThreshold(scores, k: k))
        if candidates.count < k { candidates = shortlist(scores, threshold: -Float.infinity) }
        // In index order, so the stable sort keeps ties by the smaller index.
        var ranked = candidates.map { index in UInt64(descendingKey(scores[Int(index)])) << 32 | UInt64(UInt32(bitPattern: index)) }
        sortByHighHalf(&ranked)
        return ranked.prefix(k).map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    /// Every item scoring at least `threshold` (and above -infinity), in index order. Each index is
    /// written and kept or overwritten by the next, without a branch on the score.
    private static func shortlist(_ scores: UnsafeBufferPointer<Float>, threshold: Float) -> [Int32] {
        let floor = max(threshold, -Float.greatestFiniteMagnitude)
        return [Int32](unsafeUninitializedCapacity: scores.count) { buffer, count in
            var kept = 0
            for index in 0..<scores.count {
                buffer[kept] = Int32(index)
                kept += scores[index] >= floor ? 1 : 0
            }
            count = kept
        }
    }

    /// A score that about `2k` items reach, estimated from an evenly strided sample of about
    /// 1,024 scores; -infinity when the catalogue is small. The sample's `rank` best (a few
    /// dozen) are kept in order as it is read: after the first few, a score rarely beats the
    /// worst kept, so the one comparison per score is well predicted.
    private static func sampledThreshold(_ scores: UnsafeBufferPointer<Float>, k: Int) -> Float {
        let stride = scores.count / 1_024
        guard stride >= 2, 2 * k < scores.count / 2 else { return -Float.infinity }
        let rank = (2 * k * ((scores.count + stride - 1) / stride)) / scores.count + 1
        var best = [Float](repeating: -.infinity, count: rank)
        var sampled = 0
        best.withUnsafeMutableBufferPointer { best in
            var index = 0
            while index < scores.count {
                let score = scores[index]
                index += stride
                guard score > -Float.infinity else { continue }
                sampled += 1
                guard score > best[rank - 1] else { continue }
                var position = rank - 1
                while position > 0, best[position - 1] < score {
                    best[position] = best[position - 1]
                    position -= 1
                }
                best[position] = score
            }
        }
        return sampled > rank ? best[rank - 1] : -Float.infinity
    }

    /// A key that sorts ascending as `score` descends (+0 and -0 alike): the float's bits made
    /// monotonic, then complemented.
    private static func descendingKey(_ score: Float) -> UInt32 {
        let bits = (score == 0 ? 0 : score).bitPattern
        return bits & 0x8000_0000 != 0 ? bits : ~(bits | 0x8000_0000)
    }

    /// Sorts `values` ascending by their upper 32 bits, stably: least significant byte first, one
    /// counting pass for all four bytes, and a byte that is the same for every value skipped.
    private static func sortByHighHalf(_ values: inout [UInt64]) {
        guard values.count > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: values.count)
        var counts = [Int](repeating: 0, count: 4 * 256)
        let count = values.count
        counts.withUnsafeMutableBufferPointer { counts in
            values.withUnsafeBufferPointer { values in
                for value in values {
                    for pass in 0..<4 { counts[pass << 8 | digit(value, pass)] += 1 }
                }
            }
            for pass in 0..<4 where counts[pass << 8 | digit(values[0], pass)] < count {
                var offset = 0
                for bucket in (pass << 8)..<((pass + 1) << 8) { (counts[bucket], offset) = (offset, offset + counts[bucket]) }
                values.withUnsafeBufferPointer { source in
                    scratch.withUnsafeMutableBufferPointer { target in
                        for value in source {
                            let bucket = pass << 8 | digit(value, pass)
                            target[counts[bucket]] = value
                            counts[bucket] += 1
                        }
                    }
                }
                swap(&values, &scratch)
            }
        }
    }

    /// Byte `pass` (0 = least significant) of the upper half of `value`.
    @inline(__always)
    private static func digit(_ value: UInt64, _ pass: Int) -> Int { Int(truncatingIfNeeded: value >> (32 + 8 * pass)) & 255 }

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
}
