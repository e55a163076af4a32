import Foundation
import NovarecML

/// A BERT encoder's weights, checked against its configuration and laid out for `Linear`
/// (`input × output`, row-major; PyTorch stores `output × input`), with the query, key and value
/// projections fused into one `hidden × 3·hidden` matrix so each layer starts with one `sgemm`.
/// Tensor names are Hugging Face's `BertModel` ones, with or without a `bert.` prefix; the pooler
/// is not used.
struct BertWeights: Sendable {
    /// One Transformer layer (post-LayerNorm: normalise after each residual sum).
    struct Layer: Sendable {
        var qkv: [Float], qkvBias: [Float]
        var attentionOutput: [Float], attentionOutputBias: [Float]
        var attentionNormGain: [Float], attentionNormBias: [Float]
        var intermediate: [Float], intermediateBias: [Float]
        var output: [Float], outputBias: [Float]
        var outputNormGain: [Float], outputNormBias: [Float]
    }

    let configuration: BertConfiguration
    /// `vocabularySize × hidden`.
    let wordEmbeddings: [Float]
    /// `maxPositions × hidden`.
    let positionEmbeddings: [Float]
    /// The embedding of token type 0 (every token of a single sentence), `hidden`.
    let tokenTypeEmbedding: [Float]
    let embeddingNormGain: [Float], embeddingNormBias: [Float]
    let layers: [Layer]

    /// Reads and checks every tensor; a missing one, or one of another shape, is an error naming it.
    init(tensors: [SafeTensors.Tensor], configuration c: BertConfiguration, source: String) throws(TextModelError) {
        let prefix = tensors.contains { $0.name.hasPrefix("bert.embeddings.") } ? "bert." : ""
        let named = NamedTensors(tensors: CheckpointTensors(tensors), prefix: prefix, source: source)
        configuration = c
        wordEmbeddings = try named.values("embeddings.word_embeddings.weight", [c.vocabularySize, c.hidden])
        positionEmbeddings = try named.values("embeddings.position_embeddings.weight", [c.maxPositions, c.hidden])
        let types = try named.shape("embeddings.token_type_embeddings.weight")
        tokenTypeEmbedding = Array(try named.values("embeddings.token_type_embeddings.weight", [max(1, types.first ?? 1), c.hidden]).prefix(c.hidden))
        embeddingNormGain = try named.values("embeddings.LayerNorm.weight", [c.hidden])
        embeddingNormBias = try named.values("embeddings.LayerNorm.bias", [c.hidden])
        var layers: [Layer] = []
        for index in 0..<c.layers { layers.append(try Self.layer(named, index: index, c)) }
        self.layers = layers
        let extra = "encoder.layer.\(c.layers)."
        if tensors.contains(where: { $0.name.hasPrefix(prefix + extra) }) {
            throw TextModelError("\(source) has more than the \(c.layers) layers its configuration gives")
        }
    }

    private static func layer(_ named: NamedTensors, index: Int, _ c: BertConfiguration) throws(TextModelError) -> Layer {
        let p = "encoder.layer.\(index)."
        let (d, i) = (c.hidden, c.intermediate)
        let q = try named.linear(p + "attention.self.query", input: d, output: d)
        let k = try named.linear(p + "attention.self.key", input: d, output: d)
        let v = try named.linear(p + "attention.self.value", input: d, output: d)
        var qkv = [Float](repeating: 0, count: d * 3 * d)
        for row in 0..<d {
            for (part, matrix) in [q.weight, k.weight, v.weight].enumerated() {
                qkv.replaceSubrange((row * 3 * d + part * d)..<(row * 3 * d + (part + 1) * d), with: matrix[(row * d)..<((row + 1) * d)])
            }
        }
        let attentionOutput = try named.linear(p + "attention.output.dense", input: d, output: d)
        let intermediate = try named.linear(p + "intermediate.dense", input: d, output: i)
        let output = try named.linear(p + "output.dense", input: i, output: d)
        return Layer(
            qkv: qkv, qkvBias: q.bias + k.bias + v.bias,
            attentionOutput: attentionOutput.weight, attentionOutputBias: attentionOutput.bias,
            attentionNormGain: try named.values(p + "attention.output.LayerNorm.weight", [d]),
            attentionNormBias: try named.values(p + "attention.output.LayerNorm.bias", [d]),
            intermediate: intermediate.weight, intermediateBias: intermediate.bias,
            output: output.weight, outputBias: output.bias,
            outputNormGain: try named.values(p + "output.LayerNorm.weight", [d]),
            outputNormBias: try named.values(p + "output.LayerNorm.bias", [d]))
    }
}

/// Float tensors by name, each checked against the shape the model needs.
private struct NamedTensors {
    let tensors: CheckpointTensors
    let prefix: String
    let source: String

    func shape(_ name: String) throws(TextModelError) -> [Int] {
        do {
            return try tensors.tensor(prefix + name).shape
        } catch {
            throw TextModelError("\(source): \(error.reason)")
        }
    }

    func values(_ name: String, _ shape: [Int]) throws(TextModelError) -> [Float] {
        let actual = try self.shape(name)
        guard actual == shape else { throw TextModelError("\(source): tensor '\(prefix + name)' has shape \(actual), expected \(shape)") }
        do {
            return try tensors.floats(prefix + name)
        } catch {
            throw TextModelError("\(source): \(error.reason)")
        }
    }

    /// A PyTorch `Linear` (`name.weight` stored `output × input`, `name.bias`), its weight
    /// transposed to `input × output`.
    func linear(_ name: String, input: Int, output: Int) throws(TextModelError) -> (weight: [Float], bias: [Float]) {
        let stored = try values(name + ".weight", [output, input])
        var weight = [Float](repeating: 0, count: stored.count)
        for row in 0..<output {
            for column in 0..<input { weight[column * output + row] = stored[row * input + column] }
        }
        return (weight, try values(name + ".bias", [output]))
    }
}
