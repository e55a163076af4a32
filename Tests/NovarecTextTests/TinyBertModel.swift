import Foundation
import NovarecCore
import NovarecML
@testable import NovarecText

/// A small BERT with random weights, written as a sentence-transformers directory (HF tensor
/// names and PyTorch layouts, no checksum, as published files are), plus a plain-loop forward
/// pass to check the encoder against: the unit tests never need the real model.
struct TinyBertModel {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "##s", "dog",
        ",", ".", "!", "a", "##b", "##c", "un", "##able", "play", "##ing", "北", "京", "cafe", "x", "##x"
    ]
    let configuration = BertConfiguration(vocabularySize: vocabulary.count, hidden: 8, layers: 2, heads: 2, intermediate: 12, maxPositions: 12)
    /// The tensors by name, PyTorch layout (`Linear` weights `output × input`).
    let tensors: [String: (shape: [Int], values: [Float])]

    init(seed: UInt64 = 7) {
        var random = SeededGenerator(seed: seed)
        let c = configuration
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        func add(_ name: String, _ shape: [Int], scale: Float = 0.5, offset: Float = 0) {
            tensors[name] = (shape, (0..<shape.reduce(1, *)).map { _ in offset + scale * random.normal() })
        }
        add("embeddings.word_embeddings.weight", [c.vocabularySize, c.hidden])
        add("embeddings.position_embeddings.weight", [c.maxPositions, c.hidden])
        add("embeddings.token_type_embeddings.weight", [2, c.hidden])
        add("embeddings.LayerNorm.weight", [c.hidden], scale: 0.1, offset: 1)
        add("embeddings.LayerNorm.bias", [c.hidden], scale: 0.1)
        for layer in 0..<c.layers {
            let p = "encoder.layer.\(layer)."
            for (name, input, output) in [
                ("attention.self.query", c.hidden, c.hidden), ("attention.self.key", c.hidden, c.hidden),
                ("attention.self.value", c.hidden, c.hidden), ("attention.output.dense", c.hidden, c.hidden),
                ("intermediate.dense", c.hidden, c.intermediate), ("output.dense", c.intermediate, c.hidden)
            ] {
                add(p + name + ".weight", [output, input])
                add(p + name + ".bias", [output], scale: 0.1)
            }
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                add(p + norm + ".weight", [c.hidden], scale: 0.1, offset: 1)
                add(p + norm + ".bias", [c.hidden], scale: 0.1)
            }
        }
        self.tensors = tensors
    }

    /// Writes the model directory; `dropping` leaves a tensor out, `maxLength` sets
    /// `sentence_bert_config.json`.
    func write(to directory: URL, dropping: String? = nil, maxLength: Int = 10) throws {
        let c = configuration
        let config =
            #"{"hidden_act": "gelu", "hidden_size": \#(c.hidden), "intermediate_size": \#(c.intermediate), "layer_norm_eps": 1e-12, "#
            + #""max_position_embeddings": \#(c.maxPositions), "num_attention_heads": \#(c.heads), "num_hidden_layers": \#(c.layers), "#
            + #""position_embedding_type": "absolute", "vocab_size": \#(c.vocabularySize)}"#
        try config.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try (Self.vocabulary.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        try #"{"max_seq_length": \#(maxLength), "do_lower_case": false}"#.write(
            to: directory.appendingPathComponent("sentence_bert_config.json"), atomically: true, encoding: .utf8)
        try safeTensors(dropping: dropping).write(to: directory.appendingPathComponent("model.safetensors"))
    }

    /// The weights as a published safetensors file: `{"format": "pt"}` metadata, no checksum.
    func safeTensors(dropping: String? = nil) throws -> Data {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var body = Data()
        for name in tensors.keys.sorted() where name != dropping {
            let (shape, values) = tensors[name]!
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [body.count, body.count + 4 * values.count]]
            values.withUnsafeBytes { body.append(contentsOf: $0) }
        }
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var length = UInt64(json.count).littleEndian
        return Data(bytes: &length, count: 8) + json + body
    }

    /// The sentence vector by plain loops, double precision, libm `erf`/`exp`.
    func referenceEmbedding(_ ids: [Int32]) -> [Float] {
        let c = configuration
        let n = ids.count
        let d = c.hidden
        func t(_ name: String) -> [Double] { tensors[name]!.values.map(Double.init) }
        func linear(_ x: [[Double]], _ name: String) -> [[Double]] {
            let w = t(name + ".weight")
            let b = t(name + ".bias")
            return x.map { row in
                var y = b
                for o in y.indices {
                    for i in row.indices { y[o] += row[i] * w[o * row.count + i] }
                }
                return y
            }
        }
        func norm(_ x: [[Double]], _ name: String) -> [[Double]] {
            let g = t(name + ".weight")
            let b = t(name + ".bias")
            return x.map { row in
                let mean = row.reduce(0, +) / Double(d)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d)
                return row.indices.map { g[$0] * (row[$0] - mean) / (variance + 1e-12).squareRoot() + b[$0] }
            }
        }
        let word = t("embeddings.word_embeddings.weight")
        let place = t("embeddings.position_embeddings.weight")
        let type = t("embeddings.token_type_embeddings.weight")
        var x = norm(ids.enumerated().map { p, id in (0..<d).map { word[Int(id) * d + $0] + place[p * d + $0] + type[$0] } }, "embeddings.LayerNorm")
        for layer in 0..<c.layers {
            let p = "encoder.layer.\(layer)."
            let q = linear(x, p + "attention.self.query")
            let k = linear(x, p + "attention.self.key")
            let v = linear(x, p + "attention.self.value")
            var context = [[Double]](repeating: [Double](repeating: 0, count: d), count: n)
            for head in 0..<c.heads {
                let columns = (head * c.headWidth)..<((head + 1) * c.headWidth)
                for i in 0..<n {
                    let scores = (0..<n).map { j in columns.reduce(0) { $0 + q[i][$1] * k[j][$1] } / Double(c.headWidth).squareRoot() }
                    let weights = scores.map { exp($0 - scores.max()!) }
                    for j in 0..<n { for column in columns { context[i][column] += weights[j] / weights.reduce(0, +) * v[j][column] } }
                }
            }
            let attended = linear(context, p + "attention.output.dense")
            x = norm(zip(attended, x).map { zip($0, $1).map(+) }, p + "attention.output.LayerNorm")
            let inner = linear(x, p + "intermediate.dense").map { $0.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) } }
            x = norm(zip(linear(inner, p + "output.dense"), x).map { zip($0, $1).map(+) }, p + "output.LayerNorm")
        }
        let mean = (0..<d).map { j in x.reduce(0) { $0 + $1[j] } / Double(n) }
        let length = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return mean.map { Float($0 / length) }
    }
}

/// A fresh temporary directory, removed when the test's value goes away.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
