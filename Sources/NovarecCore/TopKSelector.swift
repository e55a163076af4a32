/// Picks the `k` best-scoring items of a score vector, best first, ties broken by the smaller
/// index. Items scored `-infinity` (excluded) or NaN are never picked, so a list can be shorter
/// than `k` only when fewer items remain.
public enum TopKSelector {
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [Int32] {
        guard k > 0 else { return [] }
        var heap = MinHeap(capacity: k)
        for index in 0..<scores.count {
            let score = scores[index]
            guard score > -Float.infinity else { continue }
            heap.offer(score: score, index: Int32(index))
        }
        return heap.sortedDescending()
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
}

/// A fixed-capacity min-heap on (score, -index): the root is the worst kept candidate.
private struct MinHeap {
    private var scores: [Float] = []
    private var indices: [Int32] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        scores.reserveCapacity(capacity)
        indices.reserveCapacity(capacity)
    }

    /// True when (a, i) ranks below (b, j): lower score, or equal score and larger index.
    private static func worse(_ a: Float, _ i: Int32, than b: Float, _ j: Int32) -> Bool {
        a < b || (a == b && i > j)
    }

    mutating func offer(score: Float, index: Int32) {
        if scores.count < capacity {
            scores.append(score)
            indices.append(index)
            siftUp(scores.count - 1)
            return
        }
        guard MinHeap.worse(scores[0], indices[0], than: score, index) else { return }
        scores[0] = score
        indices[0] = index
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard MinHeap.worse(scores[child], indices[child], than: scores[parent], indices[parent]) else { return }
            scores.swapAt(child, parent)
            indices.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var smallest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < scores.count {
                if MinHeap.worse(scores[child], indices[child], than: scores[smallest], indices[smallest]) {
                    smallest = child
                }
            }
            guard smallest != parent else { return }
            scores.swapAt(parent, smallest)
            indices.swapAt(parent, smallest)
            parent = smallest
        }
    }

    func sortedDescending() -> [Int32] {
        zip(scores, indices)
            .sorted { MinHeap.worse($1.0, $1.1, than: $0.0, $0.1) }
            .map(\.1)
    }
}
