import NovarecCore

/// Inference that reads only each sequence's last state, as serving does: the blocks before
/// the last run for every row (their keys and values feed the last one), the last block projects
/// queries, keys and values for every row but attends, projects and runs its feed-forward
/// network for the last rows only. For histories of nine items that is a third fewer
/// operations than `forward`, whose every row the training loss needs. Nothing is kept for a
/// backward pass, every buffer is written whole before it is read (none is zero-filled), and
/// attention runs as vector loops over each query's keys: short histories make each
/// (sequence, head) product far too small for an `sgemm` call to pay for itself.
extension SequenceEncoder {
    /// Each sequence's final state (`sequenceCount × d`): `forward(batch).output` at
    /// `batch.lastRows`, up to rounding.
    func lastStates(_ batch: RaggedBatch, parameters p: UnsafePointer<Float>) -> [Float] {
        var input = [Float](uninitializedCount: batch.tokenCount * width)
        embed(batch, parameters: p, into: &input)
        for block in layout.blocks.dropLast() {
            input = inferenceBlock(block, input: input, batch: batch, lastRowsOnly: false, parameters: p)
        }
        let states = inferenceBlock(layout.blocks[layout.blocks.count - 1], input: input, batch: batch, lastRowsOnly: true, parameters: p)
        return layerNorm(states, rows: batch.sequenceCount, gain: p + layout.finalGain, bias: p + layout.finalBias)
    }

    /// `LayerNorm.forward` of `x` (`rows × d`) without keeping what backward would need.
    private func layerNorm(_ x: [Float], rows: Int, gain: UnsafePointer<Float>, bias: UnsafePointer<Float>) -> [Float] {
        var output = [Float](uninitializedCount: rows * width)
        LayerNorm.forward(x, rows: rows, width: width, gamma: gain, beta: bias, normalized: nil, inverseDeviation: nil, &output)
        return output
    }

    /// One block's output for every row of `input` (`tokenCount × d`), or for each sequence's
    /// last row only (`sequenceCount × d`).
    private func inferenceBlock(
        _ block: SASRecLayout.Block, input: [Float], batch: RaggedBatch, lastRowsOnly: Bool, parameters p: UnsafePointer<Float>
    ) -> [Float] {
        let (n, d, inner) = (batch.tokenCount, width, configuration.innerDimension)
        let normed = layerNorm(input, rows: n, gain: p + block.norm1Gain, bias: p + block.norm1Bias)
        var qkv = [Float](uninitializedCount: n * 3 * d)
        Linear.forward(normed, rows: n, input: d, output: 3 * d, weight: p + block.qkvWeight, bias: p + block.qkvBias, &qkv)
        let attended = qkv.withUnsafeBufferPointer { attention.inferenceForward(batch, qkv: $0.baseAddress!, lastRowsOnly: lastRowsOnly) }
        let b = attended.count / d
        var residual = [Float](uninitializedCount: b * d)
        Linear.forward(attended, rows: b, input: d, output: d, weight: p + block.outWeight, bias: p + block.outBias, &residual)
        if lastRowsOnly {
            for (row, source) in batch.lastRows.enumerated() {
                for j in 0..<d { residual[row * d + j] += input[source * d + j] }
            }
        } else {
            for i in 0..<(n * d) { residual[i] += input[i] }
        }
        let normed2 = layerNorm(residual, rows: b, gain: p + block.norm2Gain, bias: p + block.norm2Bias)
        var activated = [Float](uninitializedCount: b * inner)
        Linear.forward(normed2, rows: b, input: d, output: inner, weight: p + block.ff1Weight, bias: p + block.ff1Bias, &activated)
        activated.withUnsafeMutableBufferPointer { values in GELU.apply(values.baseAddress!, count: b * inner) }
        var output = [Float](uninitializedCount: b * d)
        Linear.forward(activated, rows: b, input: inner, output: d, weight: p + block.ff2Weight, bias: p + block.ff2Bias, &output)
        for i in 0..<(b * d) { output[i] += residual[i] }
        return output
    }
}

extension CausalSelfAttention {
    /// The attention output of every row (`tokenCount × d`), or of each sequence's last row only
    /// (`sequenceCount × d`): each query against the keys of its sequence up to its own row.
    func inferenceForward(_ batch: RaggedBatch, qkv: UnsafePointer<Float>, lastRowsOnly: Bool) -> [Float] {
        var output = [Float](repeating: 0, count: (lastRowsOnly ? batch.sequenceCount : batch.tokenCount) * width)
        var scores = [Float](uninitializedCount: (0..<batch.sequenceCount).lazy.map { batch.rows(of: $0).count }.max() ?? 0)
        var outputRow = 0
        output.withUnsafeMutableBufferPointer { output in
            scores.withUnsafeMutableBufferPointer { scores in
                for sequence in 0..<batch.sequenceCount {
                    let rows = batch.rows(of: sequence)
                    for queryRow in lastRowsOnly ? (rows.upperBound - 1)..<rows.upperBound : rows {
                        attend(
                            qkv, query: queryRow, keys: rows.lowerBound...queryRow, scores: scores.baseAddress!, into: output.baseAddress! + outputRow * width)
                        outputRow += 1
                    }
                }
            }
        }
        return output
    }

    /// Adds every head's softmax-weighted sum of the values at `keys` to `output` (`d` floats).
    private func attend(
        _ qkv: UnsafePointer<Float>, query: Int, keys: ClosedRange<Int>, scores: UnsafeMutablePointer<Float>,
        into output: UnsafeMutablePointer<Float>
    ) {
        for head in 0..<heads {
            let column = head * headWidth
            let q = qkv + query * 3 * width + column
            for (j, row) in keys.enumerated() {
                let key = qkv + row * 3 * width + width + column
                var products = FloatLanes.Vector.zero
                FloatLanes.forEach(count: headWidth) { offset, lanes in
                    products += FloatLanes.load(q + offset, count: lanes) * FloatLanes.load(key + offset, count: lanes)
                }
                scores[j] = FloatLanes.sum(products) * scale
            }
            SoftmaxRow.normalize(scores, count: keys.count)
            let out = output + column
            for (j, row) in keys.enumerated() {
                let value = qkv + row * 3 * width + 2 * width + column
                let weight = scores[j]
                FloatLanes.forEach(count: headWidth) { offset, lanes in
                    let sum = FloatLanes.load(out + offset, count: lanes) + weight * FloatLanes.load(value + offset, count: lanes)
                    FloatLanes.store(sum, out + offset, count: lanes)
                }
            }
        }
    }
}
