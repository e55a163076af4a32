import Foundation
import Testing
@testable import NovarecText

/// A wrong, truncated or inconsistent model directory is refused with an error naming the file
/// and the problem, never loaded half-way or trapped on.
struct ModelLoadingTests {
    private func loadError(_ prepare: (URL) throws -> Void) throws -> String {
        let scratch = try ScratchDirectory()
        try TinyBertModel().write(to: scratch.url)
        try prepare(scratch.url)
        do {
            _ = try SentenceEncoder.load(directory: scratch.url)
            return "(loaded)"
        } catch {
            return error.description
        }
    }

    @Test func truncatedWeightsAreRefused() throws {
        let message = try loadError { directory in
            let file = directory.appendingPathComponent("model.safetensors")
            try Data(try Data(contentsOf: file).dropLast(100)).write(to: file)
        }
        #expect(message.contains("model.safetensors") && message.contains("inconsistent"), "\(message)")
    }

    @Test func aMissingTensorIsNamed() throws {
        let message = try loadError { try TinyBertModel().write(to: $0, dropping: "encoder.layer.1.output.dense.bias") }
        #expect(message.contains("'encoder.layer.1.output.dense.bias' is missing"), "\(message)")
    }

    @Test func aWrongShapeIsNamed() throws {
        let message = try loadError { directory in
            let config = directory.appendingPathComponent("config.json")
            try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "\"hidden_size\": 8", with: "\"hidden_size\": 4")
                .write(to: config, atomically: true, encoding: .utf8)
        }
        #expect(message.contains("embeddings.word_embeddings.weight' has shape [27, 8], expected [27, 4]"), "\(message)")
    }

    @Test func notSafeTensorsAtAllIsRefused() throws {
        let message = try loadError { try Data("not a model".utf8).write(to: $0.appendingPathComponent("model.safetensors")) }
        #expect(message.contains("model.safetensors"), "\(message)")
    }

    @Test func missingFilesAndUnsupportedSettingsAreRefused() throws {
        let noWeights = try loadError { try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors")) }
        #expect(noWeights.contains("cannot read") && noWeights.contains("deploy/setup.sh"))
        let tooLong = try loadError { try TinyBertModel().write(to: $0, maxLength: 20) }
        #expect(tooLong.contains("exceeds the 12 position embeddings"), "\(tooLong)")
        let pooling = try loadError { directory in
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
            try #"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#
                .write(to: directory.appendingPathComponent("1_Pooling/config.json"), atomically: true, encoding: .utf8)
        }
        #expect(pooling.contains("only mean pooling"), "\(pooling)")
    }

    @Test func tokenizerSettingsComeFromTokenizerJSON() throws {
        let json =
            #"{"normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": false, "strip_accents": null, "lowercase": false},"#
            + #""pre_tokenizer": {"type": "BertPreTokenizer"}, "added_tokens": [{"content": "[CLS]"}, {"content": "[SEP]"}],"#
            + ###""model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 50}}"###
        let settings = try TokenizerSettings(tokenizerJSON: Data(json.utf8), source: "tokenizer.json")
        #expect(settings.normalizer == BertNormalizer(cleanText: true, handleChineseCharacters: false, stripAccents: false, lowercase: false))
        #expect(settings.maxCharactersPerWord == 50 && settings.specialTokens == ["[CLS]", "[SEP]"])
        #expect(throws: TextModelError.self) { try TokenizerSettings(tokenizerJSON: Data(#"{"model": {"type": "BPE"}}"#.utf8), source: "t") }
    }
}
