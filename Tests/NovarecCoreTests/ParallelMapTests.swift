import Foundation
import NovarecCore
import Synchronization
import Testing

/// `Parallel.mapChunks`: results in range order, and `serially` keeps every chunk on the caller.
struct ParallelMapTests {
    @Test func chunksCoverTheRangeInOrder() {
        let sums = Parallel.mapChunks(count: 1_000, chunks: 7) { range in range.reduce(0, +) }
        #expect(sums.count == 7)
        #expect(sums.reduce(0, +) == (0..<1_000).reduce(0, +))
        #expect(Parallel.mapChunks(count: 3, chunks: 8) { $0.count } == [1, 1, 1])
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
}
