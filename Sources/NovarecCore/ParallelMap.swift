import Dispatch
import Foundation
import Synchronization

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
        let slots = Slots<T>(count: chunkCount)
        if let limit = threadLimit {
            // `run` returns only once every thread is done with `body`.
            withoutActuallyEscaping(body) { body in run(chunkCount, onThreads: limit) { chunk in slots.set(chunk, body(range(chunk))) } }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in slots.set(chunk, body(range(chunk))) }
        }
        return slots.values
    }

    /// The calling thread's `limited(to:)` setting, kept in a pthread key (the value itself, 0
    /// when unset): `Thread.current.threadDictionary` cost a Foundation dictionary lookup per
    /// served batch.
    private static let limitKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    private static var threadLimit: Int? {
        get {
            let value = Int(bitPattern: pthread_getspecific(limitKey))
            return value > 0 ? value : nil
        }
        set { pthread_setspecific(limitKey, newValue.flatMap { UnsafeRawPointer(bitPattern: $0) }) }
    }

    /// Runs `body` with every `mapChunks` it reaches on this thread spread over at most
    /// `threads` threads — this one and new ones, which inherit its scheduling priority — instead
    /// of every core: for background work (training inside the server) that must leave request
    /// handling its cores. With 1 thread the chunks run here, one after the other.
    public static func limited<T>(to threads: Int, _ body: () throws -> T) rethrows -> T {
        precondition(threads >= 1, "at least one thread")
        let previous = threadLimit
        threadLimit = threads
        defer { threadLimit = previous }
        return try body()
    }

    /// `limited(to: 1)`.
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        try limited(to: 1, body)
    }

    /// Runs `work(0..<count)` on this thread and `threads − 1` new ones, each taking the next
    /// index until none is left; nested `mapChunks` inside stay on their thread. `work` is
    /// dropped before returning: a `Thread` object may outlive its thread, and `work` is
    /// `mapChunks`' non-escaping body.
    private static func run(_ count: Int, onThreads threads: Int, _ work: @escaping @Sendable (Int) -> Void) {
        let shared = SharedWork(work)
        let next = Atomic(0)
        let drain = { @Sendable in
            guard let work = shared.work else { return }
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                work(index)
            }
        }
        let group = DispatchGroup()
        for _ in 1..<max(1, min(threads, count)) {
            group.enter()
            Thread {
                limited(to: 1, drain)
                group.leave()
            }.start()
        }
        limited(to: 1, drain)
        group.wait()
        shared.drop()
    }
}

/// The work of `Parallel.run`, read by its threads before they leave the group and dropped
/// after the group is done, so no thread reads it concurrently with `drop`.
private final class SharedWork: @unchecked Sendable {
    private(set) var work: (@Sendable (Int) -> Void)?

    init(_ work: @escaping @Sendable (Int) -> Void) { self.work = work }

    func drop() { work = nil }
}

/// Result slots written concurrently, each index by exactly one iteration, and read only after
/// every iteration returned: distinct elements never alias, hence the unchecked Sendable. The
/// slots are one allocation written through its pointer: an `Array` property is not, since each
/// write through it is a mutating access that checks (and, when another thread's access holds a
/// reference at that moment, copies) the whole buffer — a race that crashed a test run.
private final class Slots<T: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        _ = storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: T) { storage[index] = value }

    var values: [T] { storage.map { $0! } }
}
