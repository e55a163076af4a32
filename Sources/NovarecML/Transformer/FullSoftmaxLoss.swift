import CBLAS
import Foundation
import NovarecCore

/// Softmax cross-entropy over the whole catalogue at every token, with the output layer tied to
/// the item embeddings: `p = softmax(h Eᵀ)`, loss `−log p[target]`.
///
/// Rows are split between `workers` threads, each running single-threaded `sgemm`s on chunks of
/// `chunkRows` rows (so memory stays at `chunkRows × itemCount` floats per worker) and
/// accumulating its own embedding gradient; the partial gradients are summed at the end.
/// `logitBias` (one value per item, e.g. τ·log popularity for logit adjustment) is added to
/// every row's logits before the softmax.
struct FullSoftmaxLoss: NextItemLoss {
    let itemCount: Int
    let width: Int
    var logitBias: [Float]?
    var chunkRows = 128
    var workers = 2

    func evaluate(
        states: UnsafePointer<Float>, targets: [Int32], embeddings: UnsafePointer<Float>,
        dStates: UnsafeMutablePointer<Float>, dEmbeddings: UnsafeMutablePointer<Float>, random: UInt64
    ) -> Double {
        let rows = targets.count
        let n = itemCount
        let d = width
        let chunk = chunkRows
        let scale = 1 / Float(rows)
        let shared = (states: UnsafeSendable(states), embeddings: UnsafeSendable(embeddings), dStates: UnsafeSendable(dStates))
        let partials = Parallel.mapChunks(count: rows, chunks: workers) { range -> (loss: Double, dEmbeddings: [Float]) in
            var logits = [Float](repeating: 0, count: min(chunk, range.count) * n)
            var dE = [Float](repeating: 0, count: n * d)
            var loss = 0.0
            for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
                let count = min(chunk, range.upperBound - start)
                let h = shared.states.value + start * d
                logits.withUnsafeMutableBufferPointer { z in
                    let e = shared.embeddings.value
                    BLAS.gemm(false, true, m: count, n: n, k: d, h, lda: d, e, ldb: d, beta: 0, z.baseAddress!, ldc: n)
                    if let logitBias {
                        for row in 0..<count { cblas_saxpy(Int32(n), 1, logitBias, 1, z.baseAddress! + row * n, 1) }
                    }
                    for row in 0..<count {
                        loss += SoftmaxRow.crossEntropyGradient(z.baseAddress! + row * n, count: n, target: Int(targets[start + row]), scale: scale)
                    }
                    BLAS.gemm(false, false, m: count, n: d, k: n, z.baseAddress!, lda: n, e, ldb: d, beta: 0, shared.dStates.value + start * d, ldc: d)
                    BLAS.gemm(true, false, m: n, n: d, k: count, z.baseAddress!, lda: n, h, ldb: d, beta: 1, &dE, ldc: d)
                }
            }
            return (loss, dE)
        }
        for partial in partials { cblas_saxpy(Int32(n * d), 1, partial.dEmbeddings, 1, dEmbeddings, 1) }
        return partials.reduce(0) { $0 + $1.loss } / Double(rows)
    }
}

/// Softmax over one row of logits, in place, with passes written for instruction-level
/// parallelism (eight independent accumulators) since reductions do not vectorise.
enum SoftmaxRow {
    /// Turns `z` into probabilities; returns log Σ exp of the original values.
    @discardableResult
    static func normalize(_ z: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let (maximum, sum) = exponentiate(z, count: count)
        let inverse = 1 / sum
        for j in 0..<count { z[j] *= inverse }
        return maximum + log(sum)
    }

    /// Replaces logits by `scale · (softmax − onehot(target))`; returns `−log softmax[target]`.
    static func crossEntropyGradient(_ z: UnsafeMutablePointer<Float>, count: Int, target: Int, scale: Float) -> Double {
        let targetLogit = z[target]
        let (maximum, sum) = exponentiate(z, count: count)
        let factor = scale / sum
        for j in 0..<count { z[j] *= factor }
        z[target] -= scale
        return Double(maximum + log(sum) - targetLogit)
    }

    /// `z[j] = exp(z[j] − max)`; returns the maximum and the sum of the exponentials.
    private static func exponentiate(_ z: UnsafeMutablePointer<Float>, count: Int) -> (maximum: Float, sum: Float) {
        var lanes = [Float](repeating: -.infinity, count: 8)
        let blocks = count / 8
        for block in 0..<blocks {
            for lane in 0..<8 where z[block * 8 + lane] > lanes[lane] { lanes[lane] = z[block * 8 + lane] }
        }
        var maximum = lanes.max()!
        for j in (blocks * 8)..<count where z[j] > maximum { maximum = z[j] }
        for j in 0..<count { z[j] = FastExp.exp(z[j] - maximum) }
        var sums = [Float](repeating: 0, count: 8)
        for block in 0..<blocks {
            for lane in 0..<8 { sums[lane] += z[block * 8 + lane] }
        }
        var sum = sums.reduce(0, +)
        for j in (blocks * 8)..<count { sum += z[j] }
        return (maximum, sum)
    }
}
