import Foundation
import NovarecCore
import NovarecStore
import Synchronization

/// A sentence encoder as the service sees it: a name (stored with every vector, so vectors of
/// another model are never mixed in), the vector length and the function itself.
public struct TextEncoder: Sendable {
    public let name: String
    public let dimension: Int
    /// `texts.count × dimension` vectors, row-major.
    public let encode: @Sendable ([String]) -> [Float]

    public init(name: String, dimension: Int, encode: @escaping @Sendable ([String]) -> [Float]) {
        self.name = name
        self.dimension = dimension
        self.encode = encode
    }
}

/// Embeds written items in the background: `PUT`/`POST /v1/items` hand their records over
/// (never waiting for the encoder), one low-priority thread encodes them in small batches,
/// stores each vector with its item and adds it to the `ItemTextIndex`.
///
/// The queue is bounded: records that do not fit are only marked pending, and once the queue
/// has drained the items still without a vector are read back from the database — as at
/// start-up, which picks up whatever an earlier process left unembedded.
public final class ItemEmbedder: Sendable {
    /// Records the queue holds at most.
    public let capacity: Int
    /// Texts encoded together (small: one core, short pauses for the request threads).
    static let batchSize = 16
    private let encoder: TextEncoder
    private let index: ItemTextIndex
    private let store: ItemStore
    private let log: @Sendable (String) -> Void
    private let threads = BackgroundThreads()

    private struct Queue {
        var records: [ItemRecord] = []
        /// Something was not queued (or not yet looked for): read the database once drained.
        var backlog = true
        var stopping = false
        var embedded = 0
    }
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    public init(encoder: TextEncoder, index: ItemTextIndex, store: ItemStore, capacity: Int = 10_000, log: @escaping @Sendable (String) -> Void) {
        precondition(encoder.dimension == index.dimension, "the index holds the encoder's vectors")
        self.encoder = encoder
        self.index = index
        self.store = store
        self.capacity = capacity
        self.log = log
    }

    /// Vectors computed since start.
    public var embedded: Int { queue.withLock { $0.embedded } }

    /// Queues the records that have text (marking them pending); returns at once.
    public func enqueue(_ records: [ItemRecord]) {
        let texts = records.filter { !Self.text(of: $0).isEmpty }
        guard !texts.isEmpty else { return }
        index.markPending(texts.map(\.itemID))
        queue.withLock { queue in
            let room = max(0, capacity - queue.records.count)
            queue.records += texts.prefix(room)
            if texts.count > room { queue.backlog = true }
        }
        wake.signal()
    }

    public func start() {
        threads.start("novarec-embedder") { [self] in
            // On Linux a nice value belongs to a thread: 0 names the calling one. The encoder's
            // parallel sections stay on this thread.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            while let batch = next() { Parallel.serially { embed(batch) } }
        }
    }

    /// Stops after the batch in hand; waits for the thread.
    public func stop() {
        queue.withLock { $0.stopping = true }
        wake.signal()
        threads.join()
    }

    /// The next batch: queued records, else the database's backlog once; nil when stopping.
    private func next() -> [ItemRecord]? {
        while true {
            let (batch, stopping, backlog) = queue.withLock { queue -> ([ItemRecord], Bool, Bool) in
                let batch = Array(queue.records.prefix(Self.batchSize))
                queue.records.removeFirst(batch.count)
                let backlog = batch.isEmpty && queue.backlog
                if backlog { queue.backlog = false }
                return (batch, queue.stopping, backlog)
            }
            if stopping { return nil }
            if !batch.isEmpty { return batch }
            if backlog { readBacklog() } else { wake.wait() }
        }
    }

    /// Queues up to `capacity` items still without a vector; a full read means more may be
    /// waiting (read again once drained). A failed read is retried after `retryDelay` or the
    /// next write, whichever comes first.
    private func readBacklog() {
        do {
            let missing = try store.itemsWithoutTextVector(model: encoder.name, limit: capacity)
            if !missing.isEmpty { log("item text: \(missing.count) items without a vector queued for the encoder") }
            enqueue(missing)
            if missing.count == capacity { queue.withLock { $0.backlog = true } }
        } catch {
            log("item text: could not read the items without a vector (\(error)); retried in \(Int(Self.retryDelay)) s")
            queue.withLock { $0.backlog = true }
            _ = wake.wait(timeout: .now() + Self.retryDelay)
        }
    }

    /// Seconds before a failed read of the backlog is tried again.
    static let retryDelay = 5.0

    /// Encodes `batch`, stores each vector with its item, then serves it.
    private func embed(_ batch: [ItemRecord]) {
        let vectors = encoder.encode(batch.map(Self.text))
        for (row, record) in batch.enumerated() {
            let vector = Array(vectors[(row * encoder.dimension)..<((row + 1) * encoder.dimension)])
            do {
                // A newer write of the item replaced its text: its own turn in the queue comes.
                guard try store.storeTextVector(vector, model: encoder.name, for: record) else { continue }
            } catch {
                log("item text: the vector of '\(record.itemID)' is served but not stored (\(error)); computed again at the next start")
            }
            index.insert(record.itemID, vector: vector)
        }
        queue.withLock { $0.embedded += batch.count }
    }

    static func text(of record: ItemRecord) -> String {
        ItemText.compose(title: record.title, description: record.description, categories: record.categories)
    }
}
