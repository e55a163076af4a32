import Dispatch
import Foundation
import NovarecCore
import NovarecML
import Synchronization

/// Scores the requests that need fresh scores together: everything queued for the same model
/// (up to `maxBatch`) as one batch — one `sgemm` for the encoder positions and one for the
/// catalogue product, which reads the 12,101 × 64 item matrix once for the batch instead of once
/// per request — then hands each request its row. There is no batching window: under load
/// requests queue while the running batches are scored, so batches grow with the load.
///
/// Who scores depends on who asks. A request read by an event loop is scored at the end of the
/// loop's turn, on the loop (`EndOfTurn`), with the other requests that loop queued, and is
/// answered and written there, each batch's answers before the next batch is scored: no hand-off
/// to another thread and back, each of which is a wake-up that under load waits for a time slice
/// (measured: open-loop p50 halved, p99 down by a third to a half). A loop never takes another
/// loop's requests: each scores the connections it owns, so the work is split evenly between the
/// loops instead of whichever ends its turn first taking both loops' requests into one batch
/// while the other waits (measured: closed-loop p99 0.885×, req/s the same). Other callers'
/// requests are scored by up to `threads` scoring threads (one per core).
final class ScoringBatcher: Sendable {
    /// One request's scoring.
    struct Job: Sendable {
        let model: ServingModel
        let history: [Int32]
        /// Runs on the scoring thread with the job's scores (one per catalogue item, in the
        /// model's item order, valid during the call); must be quick and must not block: it
        /// ranks and hands the rest on (measured: ranking here beats copying the row out).
        let scored: @Sendable (UnsafeMutableBufferPointer<Float>) -> Void
    }

    let maxBatch: Int
    let threads: Int
    /// Queued jobs, each with the event loop thread that queued it and scores it (`pthread_self`;
    /// 0: the scoring threads'), running scoring threads, and batches and requests taken since
    /// start.
    private let state = Mutex<(jobs: [(owner: UInt, job: Job)], scoring: Int, batches: Int, requests: Int)>(([], 0, 0, 0))
    private let queue = DispatchQueue(label: "novarec.scoring", qos: .userInitiated, attributes: .concurrent)

    /// Batches scored and requests in them since start (their ratio is the mean batch size).
    var figures: (batches: Int, requests: Int) { state.withLock { ($0.batches, $0.requests) } }

    init(maxBatch: Int = 64, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(maxBatch >= 1 && threads >= 1, "at least one request per batch and one thread")
        self.maxBatch = maxBatch
        self.threads = threads
    }

    /// Queues `job` (its model must have a recommender). On a thread that works in turns (an
    /// event loop, `EndOfTurn`) a batch is scored at the end of the turn on that thread, with
    /// the jobs that thread queued; elsewhere a scoring thread starts if fewer than `threads` are
    /// running, and scores the other callers' jobs until none is queued.
    func submit(_ job: Job) {
        precondition(job.model.model != nil, "only a model's scores are batched")
        let owner = EndOfTurn.isAvailable ? UInt(pthread_self()) : 0
        let startThread = state.withLock { state in
            state.jobs.append((owner, job))
            guard owner == 0, state.scoring < threads else { return false }
            state.scoring += 1
            return true
        }
        if owner != 0 {
            // One batch per queued job at most, each written before the next is scored: as many
            // batches as there are jobs always suffice.
            EndOfTurn.schedule { self.nextBatch(of: owner).map(self.score) }
        } else if startThread {
            queue.async { while let batch = self.nextBatch(of: 0) { self.score(batch) } }
        }
    }

    /// Up to `maxBatch` of `owner`'s queued jobs on the first one's model (the same object: the
    /// batch is scored by its recommender and sliced by its catalogue), in arrival order (jobs
    /// on another model wait for the next batch); nil when none is queued, and then, for the
    /// scoring threads (owner 0), one scoring thread fewer.
    private func nextBatch(of owner: UInt) -> [Job]? {
        state.withLock { state in
            guard let first = state.jobs.first(where: { $0.owner == owner })?.job else {
                if owner == 0 { state.scoring -= 1 }
                return nil
            }
            var batch: [Job] = []
            var waiting: [(owner: UInt, job: Job)] = []
            for queued in state.jobs {
                let fits = queued.owner == owner && batch.count < maxBatch && queued.job.model === first.model
                if fits { batch.append(queued.job) } else { waiting.append(queued) }
            }
            state.jobs = waiting
            state.batches += 1
            state.requests += batch.count
            return batch
        }
    }

    /// Scores `batch` into the event loop's kept buffer (`ScoreBuffer`), or into one allocated
    /// for the batch on a scoring thread (pool threads come and go; none should keep megabytes).
    private func score(_ batch: [Job]) {
        let model = batch[0].model
        let items = model.items.count
        let rows = { (buffer: UnsafeMutableBufferPointer<Float>) in
            // On this thread only: every core already runs a loop or a scoring thread of its
            // own (measured: open-loop p99 lower in three rounds of three, req/s the same).
            Parallel.serially { model.model?.score(histories: batch.map { $0.history[...] }, into: buffer) }
            for (row, job) in batch.enumerated() {
                job.scored(UnsafeMutableBufferPointer(rebasing: buffer[(row * items)..<((row + 1) * items)]))
            }
        }
        guard EndOfTurn.isAvailable else {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: batch.count * items)
            defer { buffer.deallocate() }
            return rows(buffer)
        }
        ScoreBuffer.withFloats(batch.count * items, rows)
    }
}
