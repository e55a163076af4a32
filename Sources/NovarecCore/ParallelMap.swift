import Dispatch
import Foundation

/// Data-parallel helpers over `DispatchQueue.concurrentPerform`, which spreads iterations over
/// all cores and returns when every iteration has finished.
public enum Parallel {
    /// Splits `0..<count` into at most `chunks` contiguous ranges, runs `body` on each range
    /// concurrently and returns the results in range order.
    public static func mapChunks<T: Sendable>(
        count: Int, chunks: Int, _ body: @Sendable (Range<Int>) -> T
    ) -> [T] {
        let chunkCount = max(1, min(count, chunks))
        let range = { @Sendable (chunk: Int) in (chunk * count / chunkCount)..<((chunk + 1) * count / chunkCount) }
        if Thread.current.threadDictionary[serialKey] as? Bool == true { return (0..<chunkCount).map { body(range($0)) } }
        let slots = Slots<T>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            slots.set(chunk, body(range(chunk)))
        }
        return slots.values
    }

    private static let serialKey = "novarec.parallel.serial"

    /// Runs `body` with every `mapChunks` it reaches on this thread done on this thread, one
    /// chunk after the other: for background work (training inside the server) that must stay
    /// on one low-priority thread instead of taking every core from request handling.
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[serialKey]
        dictionary[serialKey] = true
        defer { dictionary[serialKey] = previous }
        return try body()
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
