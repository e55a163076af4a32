import Foundation
import NovarecML

extension SentenceEncoder {
    /// Where `deploy/setup.sh` unpacks all-MiniLM-L6-v2, relative to the repository root.
    public static let defaultDirectory = "models/all-MiniLM-L6-v2"

    /// Loads a sentence-transformers model directory: `model.safetensors` (a Hugging Face
    /// `BertModel`, F32), `config.json`, `vocab.txt`, and when present `tokenizer.json` (tokenizer
    /// options), `sentence_bert_config.json` (`max_seq_length`, else the position count) and
    /// `1_Pooling/config.json` (which must ask for mean pooling).
    /// - Throws: `TextModelError` naming the missing, truncated or inconsistent file.
    public static func load(directory: URL) throws(TextModelError) -> SentenceEncoder {
        let files = ModelFiles(directory: directory)
        let configuration = try BertConfiguration(configJSON: try files.required("config.json"), source: files.path("config.json"))
        try files.checkMeanPooling()
        let settings =
            try files.optional("tokenizer.json").map { data throws(TextModelError) in
                try TokenizerSettings(tokenizerJSON: data, source: files.path("tokenizer.json"))
            } ?? TokenizerSettings()
        let vocabulary = try WordPieceVocabulary(contentsOf: directory.appendingPathComponent("vocab.txt"))
        let maxLength = try files.maxSequenceLength() ?? configuration.maxPositions
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, settings: settings, maxLength: maxLength)
        let weightsPath = files.path("model.safetensors")
        let file = try files.required("model.safetensors")
        let tensors: [SafeTensors.Tensor]
        do {
            tensors = try SafeTensors.decode(file, requireChecksum: false).tensors
        } catch {
            throw TextModelError("\(weightsPath): \(error.description)")
        }
        let weights = try BertWeights(tensors: tensors, configuration: configuration, source: weightsPath)
        return try SentenceEncoder(tokenizer: tokenizer, encoder: BertEncoder(weights: weights))
    }
}

/// The files of a model directory, read with errors that name them.
private struct ModelFiles {
    let directory: URL

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func optional(_ name: String) -> Data? { FileManager.default.contents(atPath: path(name)) }

    func required(_ name: String) throws(TextModelError) -> Data {
        guard let data = optional(name) else {
            throw TextModelError("cannot read \(path(name)) (fetch the model with deploy/setup.sh --deps-only)")
        }
        return data
    }

    func json(_ name: String) throws(TextModelError) -> [String: Any]? {
        guard let data = optional(name) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TextModelError("\(path(name)) is not a JSON object")
        }
        return object
    }

    /// `max_seq_length` of `sentence_bert_config.json`, when the file is there.
    func maxSequenceLength() throws(TextModelError) -> Int? {
        guard let config = try json("sentence_bert_config.json") else { return nil }
        guard let length = config["max_seq_length"] as? Int, length >= 2 else {
            throw TextModelError("\(path("sentence_bert_config.json")) has no usable max_seq_length")
        }
        return length
    }

    func checkMeanPooling() throws(TextModelError) {
        guard let pooling = try json("1_Pooling/config.json") else { return }
        let modes = pooling.filter { $0.key.hasPrefix("pooling_mode_") && ($0.value as? Bool) == true }.map(\.key)
        guard modes == ["pooling_mode_mean_tokens"] else {
            throw TextModelError("\(path("1_Pooling/config.json")) asks for \(modes.sorted()); only mean pooling is supported")
        }
    }
}
