import NovarecCore

/// The SASRec encoder: item + learned position embeddings, `layers` pre-norm Transformer blocks
/// (causal multi-head self-attention and a GELU feed-forward, each with a residual and dropout),
/// then a final layer norm. Maps a ragged batch to one `d`-dimensional state per token.
///
/// Forward keeps every activation the backward pass needs in an `EncoderActivations`.
struct SequenceEncoder: Sendable {
    let configuration: SASRecConfiguration
    let layout: SASRecLayout

    var width: Int { configuration.dimension }
    var attention: CausalSelfAttention { CausalSelfAttention(width: width, heads: configuration.heads) }

    /// Runs the encoder; `dropout` is nil at inference. The final states are `activations.output`.
    func forward(_ batch: RaggedBatch, parameters: UnsafePointer<Float>, dropout: (rate: Float, seed: UInt64)?) -> EncoderActivations {
        let n = batch.tokenCount
        let d = width
        let cache = EncoderActivations(configuration: configuration, batch: batch, attention: attention)
        var random = SeededGenerator(seed: dropout?.seed ?? 0)
        let rate = dropout?.rate ?? 0
        embed(batch, parameters: parameters, into: &cache.embedded)
        if rate > 0 { Dropout.apply(&cache.embedded, count: n * d, rate: rate, mask: &cache.embeddingMask, random: &random) }
        var input = cache.embedded
        for (index, block) in layout.blocks.enumerated() {
            input = blockForward(block, cache.blocks[index], input: input, rows: n, parameters: parameters, rate: rate, random: &random)
        }
        LayerNorm.forward(
            input, rows: n, width: d, gamma: parameters + layout.finalGain, beta: parameters + layout.finalBias,
            normalized: &cache.finalNormalized, inverseDeviation: &cache.finalDeviation, &cache.output)
        return cache
    }

    /// Item plus position embedding of every token, into `x` (`rows × d`).
    func embed(_ batch: RaggedBatch, parameters: UnsafePointer<Float>, into x: inout [Float]) {
        let d = width
        for row in 0..<batch.tokenCount {
            let item = parameters + layout.itemEmbedding + Int(batch.tokens[row]) * d
            let position = parameters + layout.positionEmbedding + Int(batch.positions[row]) * d
            for j in 0..<d { x[row * d + j] = item[j] + position[j] }
        }
    }

    /// Accumulates parameter gradients into `gradients` from `dOutput` (`rows × d`).
    func backward(_ cache: EncoderActivations, dOutput: [Float], parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let batch = cache.batch
        let n = batch.tokenCount
        let d = width
        var dx = [Float](repeating: 0, count: n * d)
        LayerNorm.backward(
            dOutput, rows: n, width: d, gamma: parameters + layout.finalGain, normalized: cache.finalNormalized,
            inverseDeviation: cache.finalDeviation, dGamma: gradients + layout.finalGain,
            dBeta: gradients + layout.finalBias, dx: &dx, accumulate: false)
        for (index, block) in layout.blocks.enumerated().reversed() {
            blockBackward(block, cache.blocks[index], dx: &dx, rows: n, batch: batch, parameters: parameters, gradients: gradients)
        }
        Dropout.backward(&dx, count: n * d, mask: cache.embeddingMask)
        for row in 0..<n {
            let item = gradients + layout.itemEmbedding + Int(batch.tokens[row]) * d
            let position = gradients + layout.positionEmbedding + Int(batch.positions[row]) * d
            for j in 0..<d {
                item[j] += dx[row * d + j]
                position[j] += dx[row * d + j]
            }
        }
    }

    func blockForward(
        _ block: SASRecLayout.Block, _ cache: BlockActivations, input: [Float], rows n: Int,
        parameters p: UnsafePointer<Float>, rate: Float, random: inout SeededGenerator
    ) -> [Float] {
        let d = width
        let inner = configuration.innerDimension
        LayerNorm.forward(
            input, rows: n, width: d, gamma: p + block.norm1Gain, beta: p + block.norm1Bias,
            normalized: &cache.normalized1, inverseDeviation: &cache.deviation1, &cache.normed1)
        Linear.forward(cache.normed1, rows: n, input: d, output: 3 * d, weight: p + block.qkvWeight, bias: p + block.qkvBias, &cache.qkv)
        attention.forward(
            cache.batch, qkv: cache.qkv, probabilityOffsets: cache.probabilityOffsets,
            probabilities: &cache.probabilities, output: &cache.attended)
        var residual = [Float](uninitializedCount: n * d)
        Linear.forward(cache.attended, rows: n, input: d, output: d, weight: p + block.outWeight, bias: p + block.outBias, &residual)
        if rate > 0 { Dropout.apply(&residual, count: n * d, rate: rate, mask: &cache.mask1, random: &random) }
        for i in 0..<(n * d) { residual[i] += input[i] }
        LayerNorm.forward(
            residual, rows: n, width: d, gamma: p + block.norm2Gain, beta: p + block.norm2Bias,
            normalized: &cache.normalized2, inverseDeviation: &cache.deviation2, &cache.normed2)
        Linear.forward(cache.normed2, rows: n, input: d, output: inner, weight: p + block.ff1Weight, bias: p + block.ff1Bias, &cache.preActivation)
        GELU.forward(cache.preActivation, count: n * inner, &cache.activated)
        var output = [Float](uninitializedCount: n * d)
        Linear.forward(cache.activated, rows: n, input: inner, output: d, weight: p + block.ff2Weight, bias: p + block.ff2Bias, &output)
        if rate > 0 { Dropout.apply(&output, count: n * d, rate: rate, mask: &cache.mask2, random: &random) }
        for i in 0..<(n * d) { output[i] += residual[i] }
        return output
    }

    /// On entry `dx` is the gradient of the block's output; on exit, of its input.
    private func blockBackward(
        _ block: SASRecLayout.Block, _ cache: BlockActivations, dx: inout [Float], rows n: Int, batch: RaggedBatch,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        let d = width
        let inner = configuration.innerDimension
        var dBranch = dx
        Dropout.backward(&dBranch, count: n * d, mask: cache.mask2)
        var dActivated = [Float](repeating: 0, count: n * inner)
        Linear.backward(
            dBranch, cache.activated, rows: n, input: inner, output: d, weight: p + block.ff2Weight,
            dWeight: g + block.ff2Weight, dBias: g + block.ff2Bias, dx: &dActivated)
        GELU.backward(cache.preActivation, count: n * inner, &dActivated)
        var dNormed = [Float](repeating: 0, count: n * d)
        Linear.backward(
            dActivated, cache.normed2, rows: n, input: d, output: inner, weight: p + block.ff1Weight,
            dWeight: g + block.ff1Weight, dBias: g + block.ff1Bias, dx: &dNormed)
        LayerNorm.backward(
            dNormed, rows: n, width: d, gamma: p + block.norm2Gain, normalized: cache.normalized2,
            inverseDeviation: cache.deviation2, dGamma: g + block.norm2Gain, dBeta: g + block.norm2Bias, dx: &dx, accumulate: true)
        dBranch = dx
        Dropout.backward(&dBranch, count: n * d, mask: cache.mask1)
        var dAttended = [Float](repeating: 0, count: n * d)
        Linear.backward(
            dBranch, cache.attended, rows: n, input: d, output: d, weight: p + block.outWeight,
            dWeight: g + block.outWeight, dBias: g + block.outBias, dx: &dAttended)
        var dqkv = [Float](repeating: 0, count: n * 3 * d)
        attention.backward(
            batch, qkv: cache.qkv, probabilityOffsets: cache.probabilityOffsets,
            probabilities: cache.probabilities, dOutput: dAttended, dqkv: &dqkv)
        Linear.backward(
            dqkv, cache.normed1, rows: n, input: d, output: 3 * d, weight: p + block.qkvWeight,
            dWeight: g + block.qkvWeight, dBias: g + block.qkvBias, dx: &dNormed)
        LayerNorm.backward(
            dNormed, rows: n, width: d, gamma: p + block.norm1Gain, normalized: cache.normalized1,
            inverseDeviation: cache.deviation1, dGamma: g + block.norm1Gain, dBeta: g + block.norm1Bias, dx: &dx, accumulate: true)
    }
}
