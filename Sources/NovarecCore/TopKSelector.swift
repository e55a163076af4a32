/// Picks the `k` best-scoring items of a score vector, best first, ties broken by the smaller
/// index. Items scored `-infinity` (excluded) or NaN are never picked, so a list can be shorter
/// than `k` only when fewer items remain.
///
/// Serving picks 200 candidates out of the whole catalogue for every freshly scored user, so this
/// is on the hot path. One vector pass takes the largest score of each group of eight items;
/// the `k`-th largest of those group maxima is a floor at least `k` items reach, so no item of
/// the top `k` lies below it, and for scores in no particular order it lets only a few more than
/// `k` items through. A second pass keeps the items at or above the floor eight at a time, and
/// the short list is ordered by a stable radix sort on the score's bits. Sorting, unlike a
/// quickselect, does not branch on the data: on fresh scores every such branch is a coin toss
/// the CPU mispredicts.
public enum TopKSelector {
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [Int32] {
        guard k > 0 else { return [] }
        let candidates = shortlist(scores, threshold: groupFloor(scores, k: k), expected: 2 * k)
        // In index order, so the stable sort keeps ties by the smaller index.
        var ranked = candidates.map { index in UInt64(descendingKey(scores[Int(index)])) << 32 | UInt64(UInt32(bitPattern: index)) }
        sortByHighHalf(&ranked)
        return ranked.prefix(k).map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    /// Every item scoring at least `threshold` (and above -infinity), in index order. Eight
    /// scores are compared at once and a group none of which qualifies (most of them, for a
    /// group floor) is skipped; in the others each index is written and kept or overwritten by
    /// the next, without a branch on the score. The indices go to a buffer of about `expected`
    /// (not the catalogue's size), grown when a group might not fit.
    private static func shortlist(_ scores: UnsafeBufferPointer<Float>, threshold: Float, expected: Int) -> [Int32] {
        let floor = max(threshold, -Float.greatestFiniteMagnitude)
        let floors = SIMD8<Float>(repeating: floor)
        let base = UnsafeRawPointer(scores.baseAddress!)
        var capacity = min(scores.count, max(expected, 64))
        var buffer = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var kept = 0
        func reserve(_ needed: Int) {
            guard needed > capacity else { return }
            capacity = min(scores.count, max(needed, 2 * capacity))
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
            grown.initialize(from: buffer, count: kept)
            buffer.deallocate()
            buffer = grown
        }
        var index = 0
        while index + 8 <= scores.count {
            let group = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            if any(group .>= floors) {
                reserve(kept + 8)
                for lane in 0..<8 {
                    buffer[kept] = Int32(index + lane)
                    kept += group[lane] >= floor ? 1 : 0
                }
            }
            index += 8
        }
        reserve(kept + scores.count - index)
        for index in index..<scores.count {
            buffer[kept] = Int32(index)
            kept += scores[index] >= floor ? 1 : 0
        }
        return Array(UnsafeBufferPointer(start: buffer, count: kept))
    }

    /// A score at least `k` items reach and no higher than the `k`-th best (-infinity when the
    /// catalogue has no more than `k` groups). The scores are read in blocks of 64, eight vectors
    /// of eight: lane `j` of a block's maxima is the largest of its items `j`, `j + 8`, …, `j + 56`,
    /// so the maxima take seven vector comparisons per block and no shuffle. Every group whose
    /// maximum reaches the floor holds an item that does, and there are at least `k` such groups.
    private static func groupFloor(_ scores: UnsafeBufferPointer<Float>, k: Int) -> Float {
        let blocks = scores.count / 64
        guard blocks * 8 > k else { return -.infinity }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: blocks * 8) { maxima in
            let source = UnsafeRawPointer(scores.baseAddress!)
            let target = UnsafeMutableRawPointer(maxima.baseAddress!)
            for block in 0..<blocks {
                var largest = SIMD8<Float>(repeating: -.infinity)
                for vector in 0..<8 {
                    let group = source.loadUnaligned(fromByteOffset: (block * 64 + vector * 8) * 4, as: SIMD8<Float>.self)
                    largest = largest.replacing(with: group, where: group .> largest)
                }
                target.storeBytes(of: largest, toByteOffset: block * 32, as: SIMD8<Float>.self)
            }
            return reachedValue(UnsafeBufferPointer(maxima), rank: k)
        }
    }

    /// A value at least `rank` of `values` reach, close to the `rank`-th largest: the finite
    /// values are counted into 256 equal-width buckets between the lowest and the highest, the
    /// buckets are summed from the top until they hold `rank`, and the lowest value in those
    /// buckets is the answer; -infinity when fewer than `rank` values are finite or their span
    /// is not finite. Apart from the counting, the passes run sixteen values at a time.
    private static func reachedValue(_ values: UnsafeBufferPointer<Float>, rank: Int) -> Float {
        let start = values.baseAddress!
        var (lows, highs) = (FloatLanes.Vector(repeating: .infinity), FloatLanes.Vector(repeating: -.infinity))
        FloatLanes.forEach(count: values.count) { offset, lanes in
            let group = FloatLanes.load(start + offset, count: lanes, padding: -.infinity)
            lows = FloatLanes.smaller(lows, group.replacing(with: .infinity, where: group .== -.infinity))
            highs = FloatLanes.larger(highs, group)
        }
        let low = lows.min()
        let span = highs.max() - low
        guard span.isFinite else { return -.infinity }
        let scale = 255.99 / span
        guard scale.isFinite else { return values.lazy.filter { $0 >= low }.count >= rank ? low : -.infinity }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * 256) { counts in
            // Four tallies, one per value in turn, summed afterwards: values close together fall
            // into one bucket, and one tally would wait for each increment before the next.
            counts.initialize(repeating: 0)
            var finite = 0
            for (index, value) in values.enumerated() where value >= low {
                counts[(index & 3) << 8 | Int((value - low) * scale)] &+= 1
                finite += 1
            }
            guard finite >= rank else { return -.infinity }
            for bucket in 0..<256 { counts[bucket] = counts[bucket] &+ counts[256 | bucket] &+ counts[512 | bucket] &+ counts[768 | bucket] }
            var bucket = 255
            var above = Int(counts[bucket])
            while above < rank {
                bucket -= 1
                above += Int(counts[bucket])
            }
            // The lowest value in the buckets summed: at least `rank` reach it.
            var lowest = FloatLanes.Vector(repeating: .infinity)
            FloatLanes.forEach(count: values.count) { offset, lanes in
                let group = FloatLanes.load(start + offset, count: lanes, padding: .infinity)
                lowest = FloatLanes.smaller(lowest, group.replacing(with: .infinity, where: (group - low) * scale .< Float(bucket)))
            }
            return lowest.min()
        }
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
