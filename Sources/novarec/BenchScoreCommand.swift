import ArgumentParser
import Foundation
import NovarecCore
import NovarecML
import NovarecRank

/// `novarec bench score`: the serving path's CPU cost per request, stage by stage — model
/// scoring at several batch sizes, candidate selection, re-ranking — on one thread.
struct BenchScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Per-request serving cost: scoring by batch size, top-k selection, novelty re-ranking."
    )

    @OptionGroup var data: DatasetOptions
    @Option(help: "A checkpoint trained on the dataset (novarec train).") var checkpoint: String
    @Option(help: "Users to score per measurement.") var users = 2_048

    func run() throws {
        OpenBLASRuntime.threadCount = 1
        let loaded = try SASRecCheckpoint.read(from: URL(fileURLWithPath: checkpoint))
        let items = Vocabulary(orderedIDs: loaded.itemIDs)
        let dataset = try data.load()
        let histories = dataset.sequences.prefix(users).map { sequence in
            sequence.compactMap { items.index(of: dataset.items.id(at: $0)) }[...]
        }
        print("OpenBLAS kernel: \(OpenBLASRuntime.coreName); \(items.count) items, \(histories.count) users, 1 thread")
        var scores = [Float](repeating: 0, count: 64 * items.count)
        for batch in [1, 4, 16, 64] {
            let seconds = Self.median { for start in stride(from: 0, to: histories.count, by: batch) {
                let group = Array(histories[start..<min(start + batch, histories.count)])
                scores.withUnsafeMutableBufferPointer { loaded.model.score(histories: group, into: $0) }
            } }
            let encode = Self.median { for start in stride(from: 0, to: histories.count, by: batch) {
                _ = loaded.model.encode(Array(histories[start..<min(start + batch, histories.count)]))
            } }
            print(String(format: "scoring, batches of %2d: %7.1f µs per user (encoder %.1f µs)", batch, seconds / Double(histories.count) * 1e6, encode / Double(histories.count) * 1e6))
        }
        let one = Array(scores[0..<items.count])
        let select = Self.median { for _ in 0..<histories.count { _ = one.withUnsafeBufferPointer { TopKSelector.select($0, k: 200) } } }
        print(String(format: "top-200 selection: %7.1f µs per request", select / Double(histories.count) * 1e6))
        let pool = one.withUnsafeBufferPointer { TopKSelector.select($0, k: 200) }.map { NoveltyReranker.Candidate(item: $0, relevance: one[Int($0)]) }
        let reranker = NoveltyReranker(itemNovelty: (0..<items.count).map { Double($0 % 100) / 100 }) { a, b in a == b ? 1 : 0.1 }
        for (novelty, diversity) in [(0.0, 0.0), (0.3, 0.0), (0.3, 0.2), (1.0, 0.2)] {
            let rerank = Self.median { for _ in 0..<histories.count { _ = reranker.rerank(pool, k: 10, novelty: novelty, diversity: diversity) } }
            print(String(format: "re-rank (novelty %.1f, diversity %.1f): %7.1f µs per request", novelty, diversity, rerank / Double(histories.count) * 1e6))
        }
    }

    /// Median wall time of three runs of `work`.
    private static func median(_ work: () -> Void) -> Double {
        (0..<3).map { _ in
            let start = Date()
            work()
            return Date().timeIntervalSince(start)
        }.sorted()[1]
    }
}
