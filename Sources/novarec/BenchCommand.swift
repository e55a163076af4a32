import ArgumentParser
import CBLAS
import Foundation
import NovarecCore
import NovarecEval
import NovarecML

/// `novarec bench`: prints performance figures (never asserted in tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance and print figures.",
        subcommands: [BenchTrainCommand.self, BenchScoreCommand.self, BenchEmbedCommand.self, BenchHTTPCommand.self]
    )
}

/// `novarec bench train`: training throughput of the Transformer on a dataset, in sequences
/// (or prefixes) per second and achieved GFLOP/s, next to this machine's measured sgemm peak.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput (instances/s, GFLOP/s) against the measured sgemm peak."
    )

    @OptionGroup var data: DatasetOptions
    @Option(help: "Epochs to time (the median is reported).") var rounds = 1
    @OptionGroup var transformer: TransformerOptions

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }

    func run() throws {
        log("OpenBLAS kernel: \(OpenBLASRuntime.coreName)")
        let peak = (1...2).map { threads in SgemmPeak.measure(threads: threads) }
        print(String(format: "sgemm peak (1024³, best of 5): %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on 2 threads", peak[0], peak[1]))
        let dataset = try data.load()
        let split = try LeaveOneOutSplit(dataset: dataset).checked()
        let configuration = try transformer.configuration(itemCount: split.itemCount)
        var options = try transformer.options
        options.epochs = 1
        let sequences = split.trainingSequences
        let softmaxItems: Int? = if case .sampled(let negatives) = options.loss { negatives + 1 } else { nil }
        let flops = TrainingCost.flopsPerEpoch(configuration: configuration, sequences: sequences, objective: options.objective, softmaxItems: softmaxItems)
        var seconds: [Double] = []
        var instances = 0
        for round in 1...rounds {
            options.seed = UInt64(round)
            let start = Date()
            let result = try SASRecTrainer(configuration: configuration, options: options).train(sequences: sequences)
            seconds.append(Date().timeIntervalSince(start))
            instances = result.instancesPerEpoch
            print(
                String(
                    format: "round %d: %.1f s, %.0f instances/s, %.1f GFLOP/s", round, seconds.last!, Double(instances) / seconds.last!,
                    flops / seconds.last! / 1e9))
        }
        let median = seconds.sorted()[seconds.count / 2]
        print(
            String(
                format:
                    "median: %.1f s per epoch of %d instances (%@ objective, batch %d, d %d, %d layers, %d heads, max length %d): %.0f instances/s, %.1f GFLOP/s = %.0f%% of the 2-thread sgemm peak",
                median, instances, options.objective.rawValue, options.batchSize, configuration.dimension, configuration.layers,
                configuration.heads, configuration.maxLength, Double(instances) / median, flops / median / 1e9, 100 * flops / median / 1e9 / peak[1]))
    }
}

/// The achievable single-precision matrix-multiply rate of this machine.
enum SgemmPeak {
    static func measure(threads: Int, size: Int = 1024) -> Double {
        let previous = OpenBLASRuntime.threadCount
        OpenBLASRuntime.threadCount = threads
        defer { OpenBLASRuntime.threadCount = previous }
        let a = [Float](repeating: 0.5, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = Date()
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(size), Int32(size), Int32(size), 1, a, Int32(size), a, Int32(size), 0, &c, Int32(size))
            best = min(best, Date().timeIntervalSince(start))
        }
        return 2 * pow(Double(size), 3) / best / 1e9
    }
}
