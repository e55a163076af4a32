import Foundation
import NovarecCore

/// Multi-head causal self-attention over packed sequences: token `i` of a sequence attends to
/// tokens `0...i` of the same sequence only. Works on the fused projection `qkv` (`rows × 3d`,
/// columns Q | K | V, head `h` using columns `h·dₕ..<(h+1)·dₕ` of each part); every product is
/// an `sgemm` on strided views, one per (sequence, head), sequences in parallel.
struct CausalSelfAttention {
    let width: Int
    let heads: Int

    var headWidth: Int { width / heads }
    var scale: Float { 1 / Float(headWidth).squareRoot() }

    /// Offsets of each (sequence, head) probability matrix in the cache, plus the total size.
    func probabilityOffsets(_ batch: RaggedBatch) -> [Int] {
        var offsets = [0]
        for sequence in 0..<batch.sequenceCount {
            let length = batch.rows(of: sequence).count
            for _ in 0..<heads { offsets.append(offsets[offsets.count - 1] + length * length) }
        }
        return offsets
    }

    /// `output` (`rows × d`) = concatenated heads of softmax(QKᵀ·scale, causal) V; the
    /// probabilities are kept in `probabilities` (laid out by `probabilityOffsets`).
    func forward(
        _ batch: RaggedBatch, qkv: UnsafePointer<Float>, probabilityOffsets offsets: [Int],
        probabilities: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        let qkvPointer = UnsafeSendable(qkv)
        let probabilityPointer = UnsafeSendable(probabilities)
        let outputPointer = UnsafeSendable(output)
        forEachSequence(batch) { sequence in
            let rows = batch.rows(of: sequence)
            let length = rows.count
            for head in 0..<heads {
                let p = probabilityPointer.value + offsets[sequence * heads + head]
                let q = qkvPointer.value + rows.lowerBound * 3 * width + head * headWidth
                BLAS.gemm(false, true, m: length, n: length, k: headWidth, alpha: scale, q, lda: 3 * width, q + width, ldb: 3 * width, beta: 0, p, ldc: length)
                CausalSelfAttention.causalSoftmax(p, length: length)
                let out = outputPointer.value + rows.lowerBound * width + head * headWidth
                BLAS.gemm(false, false, m: length, n: headWidth, k: length, p, lda: length, q + 2 * width, ldb: 3 * width, beta: 0, out, ldc: width)
            }
        }
    }

    /// Writes `dqkv` (`rows × 3d`) from the output gradient `dOutput` (`rows × d`).
    func backward(
        _ batch: RaggedBatch, qkv: UnsafePointer<Float>, probabilityOffsets offsets: [Int],
        probabilities: UnsafePointer<Float>, dOutput: UnsafePointer<Float>, dqkv: UnsafeMutablePointer<Float>
    ) {
        let qkvPointer = UnsafeSendable(qkv)
        let probabilityPointer = UnsafeSendable(probabilities)
        let dOutputPointer = UnsafeSendable(dOutput)
        let dqkvPointer = UnsafeSendable(dqkv)
        forEachSequence(batch) { sequence in
            let rows = batch.rows(of: sequence)
            let length = rows.count
            var dScores = [Float](repeating: 0, count: length * length)
            dScores.withUnsafeMutableBufferPointer { dS in
                for head in 0..<heads {
                    let p = probabilityPointer.value + offsets[sequence * heads + head]
                    let column = rows.lowerBound * 3 * width + head * headWidth
                    let q = qkvPointer.value + column
                    let k = q + width
                    let v = q + 2 * width
                    let dq = dqkvPointer.value + column
                    let dk = dq + width
                    let dv = dq + 2 * width
                    let dOut = dOutputPointer.value + rows.lowerBound * width + head * headWidth
                    BLAS.gemm(false, true, m: length, n: length, k: headWidth, dOut, lda: width, v, ldb: 3 * width, beta: 0, dS.baseAddress!, ldc: length)
                    BLAS.gemm(true, false, m: length, n: headWidth, k: length, p, lda: length, dOut, ldb: width, beta: 0, dv, ldc: 3 * width)
                    CausalSelfAttention.softmaxBackward(p, dS.baseAddress!, length: length)
                    BLAS.gemm(
                        false, false, m: length, n: headWidth, k: length, alpha: scale, dS.baseAddress!, lda: length, k, ldb: 3 * width, beta: 0, dq,
                        ldc: 3 * width)
                    BLAS.gemm(
                        true, false, m: length, n: headWidth, k: length, alpha: scale, dS.baseAddress!, lda: length, q, ldb: 3 * width, beta: 0, dk,
                        ldc: 3 * width)
                }
            }
        }
    }

    private func forEachSequence(_ batch: RaggedBatch, _ body: @Sendable (Int) -> Void) {
        _ = Parallel.mapChunks(count: batch.sequenceCount, chunks: 8) { range in
            for sequence in range { body(sequence) }
        }
    }

    /// Row-wise softmax over the lower triangle (`j ≤ i`); the upper triangle becomes 0.
    static func causalSoftmax(_ scores: UnsafeMutablePointer<Float>, length: Int) {
        for i in 0..<length {
            let row = scores + i * length
            SoftmaxRow.normalize(row, count: i + 1)
            for j in (i + 1)..<length { row[j] = 0 }
        }
    }

    /// In place: `dS = P ⊙ (dP − rowsum(dP ⊙ P))`.
    static func softmaxBackward(_ p: UnsafePointer<Float>, _ dP: UnsafeMutablePointer<Float>, length: Int) {
        for i in 0..<length {
            let row = p + i * length
            let gradient = dP + i * length
            var dot: Float = 0
            for j in 0...i { dot += row[j] * gradient[j] }
            for j in 0..<length { gradient[j] = j <= i ? row[j] * (gradient[j] - dot) : 0 }
        }
    }
}

/// Carries a raw pointer into a `@Sendable` closure whose iterations touch disjoint regions.
public struct UnsafeSendable<Pointer>: @unchecked Sendable {
    public let value: Pointer
    public init(_ value: Pointer) { self.value = value }
}
