import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecService

/// `novarec bench score`: the serving path's CPU cost per request on one thread — model scoring
/// at several batch sizes and top-k selection as stages, then the whole
/// `RecommendationEngine.recommend` call the HTTP route makes, at several dials.
struct BenchScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Per-request serving cost: scoring by batch size, top-k selection, and the engine's whole recommend call."
    )

    @OptionGroup var data: DatasetOptions
    @Option(help: "A checkpoint trained on the dataset (novarec train).") var checkpoint: String
    @Option(help: "Users to score per measurement.") var users = 2_048

    func validate() throws {
        guard users > 0 else { throw ValidationError("--users must be positive") }
    }

    func run() throws {
        OpenBLASRuntime.threadCount = 1
        let loaded = try SASRecCheckpoint.read(from: URL(fileURLWithPath: checkpoint))
        let dataset = try data.load()
        let engine = OfflineEngine.make(checkpoint: loaded, context: try EvaluationContext.checked(dataset))
        let items = engine.model.items
        let sequences = dataset.sequences.prefix(users).map { sequence in sequence.map { dataset.items.id(at: $0) } }
        let histories = sequences.map { $0.compactMap { items.index(of: $0) }[...] }
        print("OpenBLAS kernel: \(OpenBLASRuntime.coreName); \(items.count) items, \(histories.count) users, 1 thread")
        // As served: the scoring batcher runs each batch on one thread (`Parallel.serially`).
        Parallel.serially { measure(engine: engine, model: loaded.model, sequences: sequences, histories: histories) }
    }

    private func measure(engine: RecommendationEngine, model: SASRec, sequences: [[String]], histories: [ArraySlice<Int32>]) {
        let items = engine.model.items
        var scores = [Float](repeating: 0, count: 64 * items.count)
        for batch in [1, 4, 16, 64] {
            let seconds = Self.median {
                for start in stride(from: 0, to: histories.count, by: batch) {
                    let group = Array(histories[start..<min(start + batch, histories.count)])
                    scores.withUnsafeMutableBufferPointer { model.score(histories: group, into: $0) }
                }
            }
            let encoding = Self.median {
                for start in stride(from: 0, to: histories.count, by: batch) {
                    _ = model.encode(Array(histories[start..<min(start + batch, histories.count)]))
                }
            }
            let perUser = seconds / Double(histories.count) * 1e6
            let encoder = encoding / Double(histories.count) * 1e6
            let catalogueFLOP = 2.0 * Double(items.count * model.configuration.dimension)
            print(
                String(
                    format: "scoring, batches of %2d: %7.1f µs per user (encoder %6.1f, catalogue product %6.1f µs = %5.1f GFLOP/s)", batch, perUser,
                    encoder, perUser - encoder, catalogueFLOP / ((perUser - encoder) * 1e3)))
        }
        // The last batch's 64 rows in turn: one row selected again and again would let the branch
        // predictor learn its data, which fresh rows never allow.
        let rows = min(64, histories.count)
        let select = Self.median {
            scores.withUnsafeBufferPointer { scores in
                for user in 0..<histories.count {
                    let row = user % rows
                    _ = TopKSelector.select(UnsafeBufferPointer(rebasing: scores[(row * items.count)..<((row + 1) * items.count)]), k: 256)
                }
            }
        }
        print(String(format: "top-256 selection: %7.1f µs per request", select / Double(histories.count) * 1e6))
        for (novelty, diversity) in [(0.0, 0.0), (0.3, 0.0), (0.3, 0.2), (1.0, 0.2)] {
            let whole = Self.median {
                for history in sequences {
                    _ = try? engine.recommend(RecommendationQuery(history: history, k: 10, novelty: novelty, diversity: diversity))
                }
            }
            print(
                String(
                    format: "engine.recommend (novelty %.1f, diversity %.1f): %7.1f µs per request",
                    novelty, diversity, whole / Double(sequences.count) * 1e6))
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
