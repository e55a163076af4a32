import ArgumentParser
import Foundation
import NovarecText

/// `novarec bench embed`: throughput of the sentence encoder, in titles (texts) per second,
/// tokenisation included, on all cores; `deploy/text-parity.py` prints the reference's figure
/// for the same texts.
struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence-encoder throughput (titles/s) on a dataset's item text or a file of texts."
    )

    @OptionGroup var input: TextInput
    @OptionGroup var model: TextModelOptions
    @Option(help: "How many texts to encode (the first N).") var texts = 1_000
    @Option(help: "Timed rounds (the median is reported).") var rounds = 3

    func run() throws {
        let all = try input.load().texts
        let sample = Array(all.prefix(texts))
        let encoder = try model.load()
        let tokens = encoder.tokenize(sample).reduce(0) { $0 + $1.count }
        print("\(sample.count) texts, \(tokens) tokens (\(tokens / max(sample.count, 1)) per text), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        _ = encoder.encode(Array(sample.prefix(64)))
        var seconds: [Double] = []
        for round in 1...max(rounds, 1) {
            let start = Date()
            _ = encoder.encode(sample)
            seconds.append(Date().timeIntervalSince(start))
            print(String(format: "round %d: %.2f s, %.1f titles/s", round, seconds.last!, Double(sample.count) / seconds.last!))
        }
        let median = seconds.sorted()[seconds.count / 2]
        print(String(format: "median: %.1f titles/s, %.0f tokens/s (tokenisation included)", Double(sample.count) / median, Double(tokens) / median))
    }
}
