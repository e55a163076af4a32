import Foundation

/// Softmax cross-entropy over the whole catalogue at every token, with the output layer tied to
/// the item embeddings: `p = softmax(h Eᵀ)`, loss `−log p[target]`.
///
/// Rows go through in chunks of `chunkRows` (so memory stays at `chunkRows × itemCount`
/// floats), each with three single-threaded `sgemm`s; the trainer runs one loss per shard of a
/// batch on its own thread. The logits are touched twice after their `sgemm` (maximum, then
/// exponentials and their sum); the normalisation `1/Σ` and the one-hot target are not applied
/// to them but to the small `chunkRows × d` operands and results of the two gradient `sgemm`s:
/// `∂L/∂h = diag(f)·(e·E) − s·E[target]` and `∂L/∂E += eᵀ·(diag(f)·h) − s·onehotᵀ·h`, with `e`
/// the exponentials, `f = s/Σe` per row and `s = 1/rows`. `logitBias` (one value per item,
/// e.g. τ·log popularity for logit adjustment) is added to every row's logits before the softmax.
struct FullSoftmaxLoss: NextItemLoss {
    let itemCount: Int
    let width: Int
    var logitBias: [Float]?
    var chunkRows = 256

    func evaluate(
        states: UnsafePointer<Float>, targets: [Int32], embeddings e: UnsafePointer<Float>,
        dStates: UnsafeMutablePointer<Float>, dEmbeddings dE: UnsafeMutablePointer<Float>, random: UInt64
    ) -> Double {
        let rows = targets.count
        let scale = 1 / Float(rows)
        let (n, d) = (itemCount, width)
        // Logit rows start on 64-byte boundaries: sgemm stores and loads them faster.
        let rowStride = (n + 15) / 16 * 16
        let capacity = min(chunkRows, rows)
        var logits = [Float](uninitializedCount: capacity * rowStride)
        var scaledStates = [Float](uninitializedCount: capacity * d)
        var factors = [Float](repeating: 0, count: capacity)
        var loss = 0.0
        for start in stride(from: 0, to: rows, by: chunkRows) {
            let count = min(chunkRows, rows - start)
            let h = states + start * d
            let dH = dStates + start * d
            logits.withUnsafeMutableBufferPointer { z in
                BLAS.gemm(false, true, m: count, n: n, k: d, h, lda: d, e, ldb: d, beta: 0, z.baseAddress!, ldc: rowStride)
                for row in 0..<count {
                    let target = Int(targets[start + row])
                    let logits = z.baseAddress! + row * rowStride
                    let targetLogit = logits[target] + (logitBias?[target] ?? 0)
                    let (maximum, sum) = logitBias.withUnsafeBufferPointer { bias in SoftmaxRow.exponentiate(logits, count: n, bias: bias) }
                    loss += Double(maximum + log(sum) - targetLogit)
                    factors[row] = scale / sum
                    for j in 0..<d { scaledStates[row * d + j] = factors[row] * h[row * d + j] }
                }
                BLAS.gemm(false, false, m: count, n: d, k: n, z.baseAddress!, lda: rowStride, e, ldb: d, beta: 0, dH, ldc: d)
                BLAS.gemm(true, false, m: n, n: d, k: count, z.baseAddress!, lda: rowStride, scaledStates, ldb: d, beta: 1, dE, ldc: d)
            }
            for row in 0..<count {
                let target = e + Int(targets[start + row]) * d
                let targetGradient = dE + Int(targets[start + row]) * d
                for j in 0..<d {
                    dH[row * d + j] = factors[row] * dH[row * d + j] - scale * target[j]
                    targetGradient[j] -= scale * h[row * d + j]
                }
            }
        }
        return loss / Double(rows)
    }
}

extension Optional where Wrapped == [Float] {
    /// The array's buffer, or nil.
    fileprivate func withUnsafeBufferPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
