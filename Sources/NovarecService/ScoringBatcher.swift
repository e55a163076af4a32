import Dispatch
import NovarecML
import Synchronization

/// Scores the requests that need fresh scores together. Each request waits in a queue; one
/// scoring thread takes everything queued for the same model (up to `maxBatch`) and scores it
/// as one batch — one `sgemm` for the encoder positions and one for the catalogue product,
/// which reads the 12,101 × 64 item matrix once for the batch instead of once per request —
/// then hands each request its row. There is no batching window: a lone request is scored at
/// once, and under load requests queue while the previous batch is scored, so batches grow by
/// themselves with the load.
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
    private let state = Mutex<(jobs: [Job], draining: Bool)>(([], false))
    private let queue = DispatchQueue(label: "novarec.scoring", qos: .userInitiated)

    init(maxBatch: Int = 64) {
        precondition(maxBatch >= 1, "at least one request per batch")
        self.maxBatch = maxBatch
    }

    /// Queues `job` (its model must have a recommender); starts the scoring thread if idle.
    func submit(_ job: Job) {
        precondition(job.model.model != nil, "only a model's scores are batched")
        let start = state.withLock { state in
            state.jobs.append(job)
            defer { state.draining = true }
            return !state.draining
        }
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while let batch = nextBatch() { score(batch) }
    }

    /// Up to `maxBatch` queued jobs on the first one's model, in arrival order (jobs on another
    /// model wait for the next batch); nil, and the thread idle, when none is queued.
    private func nextBatch() -> [Job]? {
        state.withLock { state in
            guard let first = state.jobs.first else {
                state.draining = false
                return nil
            }
            var batch: [Job] = []
            var waiting: [Job] = []
            for job in state.jobs {
                if batch.count < maxBatch, job.model.version == first.model.version { batch.append(job) } else { waiting.append(job) }
            }
            state.jobs = waiting
            return batch
        }
    }

    private func score(_ batch: [Job]) {
        let model = batch[0].model
        let items = model.items.count
        var scores = [Float](unsafeUninitializedCapacity: batch.count * items) { _, count in count = batch.count * items }
        scores.withUnsafeMutableBufferPointer { buffer in
            model.model?.score(histories: batch.map { $0.history[...] }, into: buffer)
            for (row, job) in batch.enumerated() {
                job.scored(UnsafeMutableBufferPointer(rebasing: buffer[(row * items)..<((row + 1) * items)]))
            }
        }
    }
}
