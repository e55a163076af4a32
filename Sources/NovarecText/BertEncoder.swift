import NovarecML

/// A BERT encoder for inference, as Hugging Face's `BertModel` computes it: token + position +
/// token-type-0 embeddings and LayerNorm, then post-LayerNorm Transformer layers (self-attention,
/// residual, LayerNorm; GELU feed-forward, residual, LayerNorm). Sentences are packed end to end
/// (no padding), every product is one `sgemm` over all their tokens, and attention stays inside
/// each sentence. One call runs on the calling thread; calls may run concurrently.
public struct BertEncoder: Sendable {
    let weights: BertWeights

    public var configuration: BertConfiguration { weights.configuration }

    /// Each sentence's mean token state, L2-normalised (sentence-transformers' mean pooling and
    /// `Normalize`): `sentences.count × hidden`, row-major. Every sentence needs 1 to
    /// `maxPositions` ids below `vocabularySize`.
    public func sentenceEmbeddings(_ sentences: [[Int32]]) -> [Float] {
        let d = configuration.hidden
        let states = hiddenStates(sentences)
        var embeddings = [Float](repeating: 0, count: sentences.count * d)
        var row = 0
        for (index, sentence) in sentences.enumerated() {
            let mean = (index * d)..<((index + 1) * d)
            for token in row..<(row + sentence.count) {
                for j in 0..<d { embeddings[mean.lowerBound + j] += states[token * d + j] }
            }
            row += sentence.count
            var norm: Float = 0
            for j in mean { norm += embeddings[j] * embeddings[j] }
            // The mean's own 1/count cancels in the normalisation.
            let scale = 1 / max(norm.squareRoot(), 1e-12 * Float(sentence.count))
            for j in mean { embeddings[j] *= scale }
        }
        return embeddings
    }

    /// The last layer's state of every token, sentences packed end to end: `tokens × hidden`.
    public func hiddenStates(_ sentences: [[Int32]]) -> [Float] {
        let c = configuration
        precondition(sentences.allSatisfy { (1...c.maxPositions).contains($0.count) }, "sentence length outside 1...\(c.maxPositions)")
        var offsets = [0]
        for sentence in sentences { offsets.append(offsets[offsets.count - 1] + sentence.count) }
        let rows = offsets[offsets.count - 1]
        let workspace = Workspace(rows: rows, configuration: c)
        embed(sentences, into: workspace)
        let attention = EncoderSelfAttention(width: c.hidden, heads: c.heads)
        for layer in weights.layers { forward(layer, offsets: offsets, attention: attention, workspace) }
        return Array(UnsafeBufferPointer(start: workspace.x, count: rows * c.hidden))
    }

    /// `x` = LayerNorm(word + position + token-type embeddings).
    private func embed(_ sentences: [[Int32]], into w: Workspace) {
        let d = configuration.hidden
        var row = 0
        for sentence in sentences {
            for (position, token) in sentence.enumerated() {
                precondition(token >= 0 && Int(token) < configuration.vocabularySize, "token id \(token) outside the vocabulary")
                let out = w.sum + row * d
                let word = Int(token) * d
                let place = position * d
                for j in 0..<d { out[j] = weights.wordEmbeddings[word + j] + weights.positionEmbeddings[place + j] + weights.tokenTypeEmbedding[j] }
                row += 1
            }
        }
        normalize(w, gain: weights.embeddingNormGain, bias: weights.embeddingNormBias)
    }

    private func forward(_ layer: BertWeights.Layer, offsets: [Int], attention: EncoderSelfAttention, _ w: Workspace) {
        let (d, inner, rows) = (configuration.hidden, configuration.intermediate, w.rows)
        Linear.forward(w.x, rows: rows, input: d, output: 3 * d, weight: layer.qkv, bias: layer.qkvBias, w.qkv)
        attention.forward(offsets: offsets, qkv: w.qkv, output: w.context)
        Linear.forward(w.context, rows: rows, input: d, output: d, weight: layer.attentionOutput, bias: layer.attentionOutputBias, w.sum)
        addResidual(w)
        normalize(w, gain: layer.attentionNormGain, bias: layer.attentionNormBias)
        Linear.forward(w.x, rows: rows, input: d, output: inner, weight: layer.intermediate, bias: layer.intermediateBias, w.inner)
        ExactGELU.apply(w.inner, count: rows * inner)
        Linear.forward(w.inner, rows: rows, input: inner, output: d, weight: layer.output, bias: layer.outputBias, w.sum)
        addResidual(w)
        normalize(w, gain: layer.outputNormGain, bias: layer.outputNormBias)
    }

    /// `sum += x`.
    private func addResidual(_ w: Workspace) {
        for i in 0..<(w.rows * configuration.hidden) { w.sum[i] += w.x[i] }
    }

    /// `x = LayerNorm(sum)`.
    private func normalize(_ w: Workspace, gain: [Float], bias: [Float]) {
        LayerNorm.forward(
            w.sum, rows: w.rows, width: configuration.hidden, gamma: gain, beta: bias,
            normalized: w.normalized, inverseDeviation: w.deviation, w.x, epsilon: configuration.layerNormEpsilon)
    }
}

/// The activation buffers of one forward pass over `rows` tokens.
private final class Workspace {
    let rows: Int
    /// Layer input and output, `rows × d`.
    let x: UnsafeMutablePointer<Float>
    /// A residual sum before its LayerNorm, `rows × d`.
    let sum: UnsafeMutablePointer<Float>
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    /// The feed-forward layer's inner activations, `rows × intermediate`.
    let inner: UnsafeMutablePointer<Float>
    /// LayerNorm's by-products (kept for training; unused here).
    let normalized: UnsafeMutablePointer<Float>
    let deviation: UnsafeMutablePointer<Float>
    private let buffers: [UnsafeMutablePointer<Float>]

    init(rows: Int, configuration c: BertConfiguration) {
        self.rows = rows
        let sizes = [c.hidden, c.hidden, 3 * c.hidden, c.hidden, c.intermediate, c.hidden, 1].map { $0 * max(rows, 1) }
        buffers = sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: $0) }
        (x, sum, qkv, context, inner, normalized, deviation) = (buffers[0], buffers[1], buffers[2], buffers[3], buffers[4], buffers[5], buffers[6])
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }
}
