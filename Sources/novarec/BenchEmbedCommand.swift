import ArgumentParser
import Foundation
import NovarecText

/// `novarec bench embed`: throughput of the sentence encoder, in titles (texts) per second,
/// tokenisation included, on all cores, and per CPU-second (which other load on the machine
/// disturbs less); `deploy/text-parity.py` prints the reference's figures for the same texts.
struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence-encoder throughput (titles/s) on a dataset's item text or a file of texts."
    )

    @OptionGroup var input: TextInput
    @OptionGroup var model: TextModelOptions
    @Option(help: "How many texts to encode (the first N).") var texts = 1_000
    @Option(help: "Timed rounds (the best and the median are reported).") var rounds = 3

    func validate() throws {
        guard texts > 0 else { throw ValidationError("--texts must be positive") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }

    func run() throws {
        let sample = Array(try input.load().texts.prefix(texts))
        let encoder = try model.load()
        let tokens = encoder.tokenize(sample).reduce(0) { $0 + $1.count }
        print(
            "\(sample.count) texts, \(tokens) tokens (\(tokens / max(sample.count, 1)) per text), \(ProcessInfo.processInfo.activeProcessorCount) CPUs online")
        _ = encoder.encode(Array(sample.prefix(64)))
        var rates: [(wall: Double, cpu: Double)] = []
        for round in 1...max(rounds, 1) {
            let (start, cpuStart) = (Date(), Self.cpuSeconds())
            _ = encoder.encode(sample)
            let (wall, cpu) = (Date().timeIntervalSince(start), Self.cpuSeconds() - cpuStart)
            rates.append((Double(sample.count) / wall, Double(sample.count) / cpu))
            print(
                String(format: "round %d: %.2f s, %.1f titles/s, %.2f CPU-s, %.1f titles per CPU-second", round, wall, rates.last!.wall, cpu, rates.last!.cpu))
        }
        let wall = rates.map(\.wall).sorted()
        let cpu = rates.map(\.cpu).sorted()
        print(
            String(
                format: "best: %.1f titles/s; median: %.1f titles/s, %.0f tokens/s; %.1f titles per CPU-second (median; tokenisation included)",
                wall.last!, wall[wall.count / 2], Double(tokens) * wall[wall.count / 2] / Double(sample.count), cpu[cpu.count / 2]))
    }

    /// User plus system CPU time of this process so far, every thread.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
