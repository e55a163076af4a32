import NovarecCore

/// Inference that reads only each sequence's last state, as serving does: the blocks before
/// the last run in full (their keys and values feed the last one), the last block projects
/// queries, keys and values for every row but attends, projects and runs its feed-forward
/// network for the last rows only. For histories of nine items that is a third fewer
/// operations than `forward`, whose every row the training loss needs.
extension SequenceEncoder {
    /// Each sequence's final state (`sequenceCount × d`): `forward(batch).output` at
    /// `batch.lastRows`, up to rounding.
    func lastStates(_ batch: RaggedBatch, parameters p: UnsafePointer<Float>) -> [Float] {
        var input = [Float](repeating: 0, count: batch.tokenCount * width)
        embed(batch, parameters: p, into: &input)
        let offsets = attention.probabilityOffsets(batch)
        var random = SeededGenerator(seed: 0)
        for block in layout.blocks.dropLast() {
            let cache = BlockActivations(configuration: configuration, batch: batch, probabilityOffsets: offsets)
            input = blockForward(block, cache, input: input, rows: batch.tokenCount, parameters: p, rate: 0, random: &random)
        }
        let last = layout.blocks[layout.blocks.count - 1]
        let lastRows = batch.lastRows
        let states = lastRowsForward(last, input: input, batch: batch, lastRows: lastRows, parameters: p)
        return layerNorm(states, rows: lastRows.count, gain: p + layout.finalGain, bias: p + layout.finalBias)
    }

    /// `LayerNorm.forward` of `x` (`rows × d`) without keeping what backward would need.
    private func layerNorm(_ x: [Float], rows: Int, gain: UnsafePointer<Float>, bias: UnsafePointer<Float>) -> [Float] {
        var output = [Float](repeating: 0, count: rows * width)
        var normalized = output
        var deviation = [Float](repeating: 0, count: rows)
        LayerNorm.forward(x, rows: rows, width: width, gamma: gain, beta: bias, normalized: &normalized, inverseDeviation: &deviation, &output)
        return output
    }

    /// The last block's output at `lastRows` (`lastRows.count × d`).
    private func lastRowsForward(
        _ block: SASRecLayout.Block, input: [Float], batch: RaggedBatch, lastRows: [Int], parameters p: UnsafePointer<Float>
    ) -> [Float] {
        let (n, d, b, inner) = (batch.tokenCount, width, lastRows.count, configuration.innerDimension)
        let normed = layerNorm(input, rows: n, gain: p + block.norm1Gain, bias: p + block.norm1Bias)
        var qkv = [Float](repeating: 0, count: n * 3 * d)
        Linear.forward(normed, rows: n, input: d, output: 3 * d, weight: p + block.qkvWeight, bias: p + block.qkvBias, &qkv)
        let attended = qkv.withUnsafeBufferPointer { attention.lastRowForward(batch, qkv: $0.baseAddress!) }
        var residual = [Float](repeating: 0, count: b * d)
        Linear.forward(attended, rows: b, input: d, output: d, weight: p + block.outWeight, bias: p + block.outBias, &residual)
        for (row, source) in lastRows.enumerated() {
            for j in 0..<d { residual[row * d + j] += input[source * d + j] }
        }
        let normed2 = layerNorm(residual, rows: b, gain: p + block.norm2Gain, bias: p + block.norm2Bias)
        var preActivation = [Float](repeating: 0, count: b * inner)
        Linear.forward(normed2, rows: b, input: d, output: inner, weight: p + block.ff1Weight, bias: p + block.ff1Bias, &preActivation)
        var activated = preActivation
        GELU.forward(preActivation, count: b * inner, &activated)
        var output = [Float](repeating: 0, count: b * d)
        Linear.forward(activated, rows: b, input: inner, output: d, weight: p + block.ff2Weight, bias: p + block.ff2Bias, &output)
        for i in 0..<(b * d) { output[i] += residual[i] }
        return output
    }
}

extension CausalSelfAttention {
    /// The attention output of each sequence's last row only (`sequenceCount × d`): its query
    /// against every key of its sequence, which causality lets it see whole.
    func lastRowForward(_ batch: RaggedBatch, qkv: UnsafePointer<Float>) -> [Float] {
        var output = [Float](repeating: 0, count: batch.sequenceCount * width)
        var scores = [Float](repeating: 0, count: batch.offsets.max() ?? 0)
        for sequence in 0..<batch.sequenceCount {
            let rows = batch.rows(of: sequence)
            let query = qkv + (rows.upperBound - 1) * 3 * width
            for head in 0..<heads {
                let column = head * headWidth
                for (j, row) in rows.enumerated() {
                    let key = qkv + row * 3 * width + width + column
                    var dot: Float = 0
                    for c in 0..<headWidth { dot += query[column + c] * key[c] }
                    scores[j] = dot * scale
                }
                scores.withUnsafeMutableBufferPointer { _ = SoftmaxRow.normalize($0.baseAddress!, count: rows.count) }
                let out = sequence * width + column
                for (j, row) in rows.enumerated() {
                    let value = qkv + row * 3 * width + 2 * width + column
                    let weight = scores[j]
                    for c in 0..<headWidth { output[out + c] += weight * value[c] }
                }
            }
        }
        return output
    }
}
