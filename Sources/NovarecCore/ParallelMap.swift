import Dispatch

/// Data-parallel helpers over `DispatchQueue.concurrentPerform`, which spreads iterations over
/// all cores and returns when every iteration has finished.
public enum Parallel {
    /// Splits `0..<count` into at most `chunks` contiguous ranges, runs `body` on each range
    /// concurrently and returns the results in range order.
    public static func mapChunks<T: Sendable>(
        count: Int, chunks: Int, _ body: @Sendable (Range<Int>) -> T
    ) -> [T] {
        let chunkCount = max(1, min(count, chunks))
        let slots = Slots<T>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            slots.set(chunk, body((chunk * count / chunkCount)..<((chunk + 1) * count / chunkCount)))
        }
        return slots.values
    }
}

/// Result slots written concurrently, each index by exactly one iteration, and read only after
/// `concurrentPerform` returned: distinct elements never alias, hence the unchecked Sendable.
private final class Slots<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        storage.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    var values: [T] { storage.map { $0! } }
}
