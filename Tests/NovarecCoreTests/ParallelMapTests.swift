import Foundation
import NovarecCore
import Synchronization
import Testing

/// `Parallel.mapChunks`: results in range order; `limited` bounds the threads, `serially` keeps
/// every chunk on the caller.
struct ParallelMapTests {
    @Test func chunksCoverTheRangeInOrder() {
        let sums = Parallel.mapChunks(count: 1_000, chunks: 7) { range in range.reduce(0, +) }
        #expect(sums.count == 7)
        #expect(sums.reduce(0, +) == (0..<1_000).reduce(0, +))
        #expect(Parallel.mapChunks(count: 3, chunks: 8) { $0.count } == [1, 1, 1])
    }

    /// Chunks finishing at the same moment on different threads each keep their result (the
    /// slots were once an array property, whose concurrent writes could copy the buffer under
    /// one another and crash), on every core and on a limited number of threads.
    @Test func resultsWrittenConcurrentlyAreAllKept() {
        for round in 0..<20_000 {
            let chunks = 2 + round % 15
            let expected = (0..<chunks).map { $0 * 10 }
            #expect(Parallel.mapChunks(count: chunks, chunks: chunks) { [$0.lowerBound * 10] }.flatMap { $0 } == expected)
            #expect(Parallel.limited(to: 2) { Parallel.mapChunks(count: chunks, chunks: chunks) { "\($0.lowerBound * 10)" } } == expected.map(String.init))
        }
    }

    @Test func seriallyRunsEveryChunkOnTheCallingThread() {
        let threads = Mutex(Set<String>())
        let caller = "\(Unmanaged.passUnretained(Thread.current).toOpaque())"
        let sums = Parallel.serially {
            Parallel.mapChunks(count: 64, chunks: 16) { range in
                let me = "\(Unmanaged.passUnretained(Thread.current).toOpaque())"
                threads.withLock { _ = $0.insert(me) }
                return range.count
            }
        }
        #expect(sums.reduce(0, +) == 64)
        #expect(threads.withLock { $0 } == [caller])
    }

    @Test func limitedUsesAtMostThatManyThreads() {
        let threads = Mutex(Set<UInt>())
        let sums = Parallel.limited(to: 3) {
            Parallel.mapChunks(count: 900, chunks: 90) { range in
                threads.withLock { _ = $0.insert(UInt(bitPattern: Unmanaged.passUnretained(Thread.current).toOpaque())) }
                // Nested work stays on the thread that took the chunk.
                let inner = Parallel.mapChunks(count: range.count, chunks: 4) { $0.count }
                return zip(range, 0...).reduce(0) { $0 + $1.0 } + inner.reduce(0, +) - range.count
            }
        }
        #expect(sums == Parallel.mapChunks(count: 900, chunks: 90) { $0.reduce(0, +) })
        let used = threads.withLock { $0 }
        #expect((1...3).contains(used.count), "\(used.count) threads")
    }

    /// Threads started for `limited` may be torn down after the call returned; the body they ran
    /// must not be held by them then (a non-escaping closure that escaped traps).
    @Test func limitedReturnsWithoutHoldingTheBody() {
        for round in 0..<200 {
            let total = Parallel.limited(to: 2) { Parallel.mapChunks(count: 8, chunks: 8) { $0.count + round - round } }
            #expect(total.reduce(0, +) == 8)
        }
    }
}
