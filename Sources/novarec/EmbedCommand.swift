import ArgumentParser
import Foundation
import NovarecCore
import NovarecML
import NovarecText

/// `novarec embed`: item text to vectors with a sentence encoder (all-MiniLM-L6-v2 by default),
/// written as one `items × 384` safetensors matrix with the item ids in its metadata; or, with
/// `--tokens-only`, the token ids the encoder would see (what `deploy/text-parity.py` compares
/// with Hugging Face `tokenizers`).
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed item text with a sentence encoder into an items × dimension safetensors matrix."
    )

    @OptionGroup var input: TextInput
    @OptionGroup var model: TextModelOptions
    @Flag(help: "Write token ids (one JSON array per text and line) instead of vectors.") var tokensOnly = false
    @Option(help: "Output file: safetensors vectors, or JSON lines with --tokens-only ('-' for standard output).") var out: String

    func run() throws {
        let (itemIDs, texts) = try input.load()
        let encoder = try model.load()
        let start = Date()
        if tokensOnly {
            try writeTokens(encoder.tokenize(texts))
            log(String(format: "tokenized %d texts in %.2f s", texts.count, Date().timeIntervalSince(start)))
            return
        }
        let vectors = encoder.encode(texts)
        log(
            String(
                format: "embedded %d texts in %.1f s (%.0f texts/s)", texts.count, Date().timeIntervalSince(start),
                Double(texts.count) / Date().timeIntervalSince(start)))
        let embeddings = ItemTextEmbeddings(itemIDs: itemIDs, dimension: encoder.dimension, vectors: vectors, model: model.name)
        try embeddings.write(to: URL(fileURLWithPath: out))
        log("wrote \(itemIDs.count) × \(encoder.dimension) vectors to \(out)")
    }

    private func writeTokens(_ sentences: [[Int32]]) throws {
        var text = ""
        for ids in sentences { text += "[" + ids.map(String.init).joined(separator: ",") + "]\n" }
        if out == "-" { return FileHandle.standardOutput.write(Data(text.utf8)) }
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
    }
}

/// Where the texts come from: a dataset's item text, or a file of texts (one JSON string per
/// line, ids are line numbers from 0: any text, newlines and control characters included).
struct TextInput: ParsableArguments {
    @Option(help: "Dataset whose item text to embed (RecBole .text, MovieLens movies.csv, items.tsv).") var dataset: String?
    @Option(help: "Dataset format: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected from the path).")
    var format: DatasetFormat?
    @Option(help: "Instead of a dataset: a file with one JSON string per line.") var input: String?

    func validate() throws {
        guard (dataset == nil) != (input == nil) else { throw ValidationError("give exactly one of --dataset and --input") }
    }

    /// Item ids and their texts, in order.
    func load() throws -> (itemIDs: [String], texts: [String]) {
        if let input { return try Self.readLines(input) }
        let data = try DatasetOptions.parse(["--dataset", dataset!] + (format.map { ["--format", $0.rawValue] } ?? [])).load()
        let texts = ItemTextEmbeddings.texts(of: data)
        guard !texts.texts.isEmpty else { throw CommandFailure(description: "dataset \(data.name) has no item text") }
        log("\(texts.texts.count) of \(data.items.count) items have text")
        return texts
    }

    static func readLines(_ path: String) throws -> (itemIDs: [String], texts: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure(description: "cannot read \(path)") }
        var texts: [String] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let text = try? JSONDecoder().decode(String.self, from: Data(line)) else {
                throw CommandFailure(description: "\(path):\(number + 1): not a JSON string")
            }
            texts.append(text)
        }
        return (texts.indices.map(String.init), texts)
    }
}

/// The sentence encoder to use (`--model`), loaded with OpenBLAS on one thread per call: the
/// encoder runs one batch per core itself.
struct TextModelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Sentence-transformers model directory (default: \(SentenceEncoder.defaultDirectory) under the current directory, "
                + "else under the checkout that holds this binary; deploy/setup.sh fetches all-MiniLM-L6-v2 there)."))
    var model: String?

    /// `--model`, or the default directory here, or in the checkout that holds this binary
    /// (`.build/…/release/novarec`: the nearest folder above it that has one).
    var directory: URL { Self.directory(model) }

    /// `explicit`, or the default directory here, or in the checkout that holds this binary.
    static func directory(_ explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let here = URL(fileURLWithPath: SentenceEncoder.defaultDirectory)
        guard !FileManager.default.fileExists(atPath: here.path), let binary = Bundle.main.executableURL else { return here }
        var folder = binary.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent(SentenceEncoder.defaultDirectory)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return here
    }

    var name: String { directory.lastPathComponent }

    func load() throws -> SentenceEncoder {
        OpenBLASRuntime.threadCount = 1
        return try Self.load(directory)
    }

    static func load(_ directory: URL) throws -> SentenceEncoder {
        do {
            let encoder = try SentenceEncoder.load(directory: directory)
            let c = encoder.encoder.configuration
            log(
                "text model \(directory.lastPathComponent): \(c.layers) layers, width \(c.hidden), \(c.heads) heads, "
                    + "\(encoder.tokenizer.vocabulary.count) tokens, max length \(encoder.tokenizer.maxLength); OpenBLAS \(OpenBLASRuntime.coreName)")
            return encoder
        } catch {
            throw CommandFailure(description: error.description)
        }
    }
}
