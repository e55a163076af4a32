import Foundation
import NovarecCore

/// Sampled softmax for large catalogues: each row's target competes with `negatives` items
/// shared by the whole batch, drawn in proportion to `itemWeights`; every logit is corrected by
/// `−log(negatives · q(item))` (logQ correction, Yi et al. 2019) so the estimate is unbiased for
/// popular items, and a negative equal to the row's target is masked. `logitBias` (per item, e.g.
/// τ·log popularity for logit adjustment) is added to every logit.
struct SampledSoftmaxLoss: NextItemLoss {
    let itemCount: Int
    let width: Int
    let negatives: Int
    private let sampler: WeightedSampler
    private let logCorrection: [Float]

    init(itemCount: Int, width: Int, negatives: Int, itemWeights: [Double], logitBias: [Float]? = nil) {
        precondition(itemWeights.count == itemCount, "one weight per item")
        let smoothed = itemWeights.map { max($0, 0) + 1e-3 }
        let total = smoothed.reduce(0, +)
        self.itemCount = itemCount
        self.width = width
        self.negatives = negatives
        self.sampler = WeightedSampler(weights: smoothed)
        let corrections = smoothed.map { Float(log(Double(negatives) * $0 / total)) }
        self.logCorrection = logitBias.map { bias in zip(corrections, bias).map { $0 - $1 } } ?? corrections
    }

    func evaluate(
        states: UnsafePointer<Float>, targets: [Int32], embeddings: UnsafePointer<Float>,
        dStates: UnsafeMutablePointer<Float>, dEmbeddings: UnsafeMutablePointer<Float>, random seed: UInt64
    ) -> Double {
        let rows = targets.count
        let k = negatives
        let d = width
        let columns = k + 1
        var random = SeededGenerator(seed: seed)
        let sampled = (0..<k).map { _ in Int32(sampler.sample(using: &random)) }
        var candidates = [Float](repeating: 0, count: k * d)
        for (index, item) in sampled.enumerated() {
            let source = embeddings + Int(item) * d
            for j in 0..<d { candidates[index * d + j] = source[j] }
        }
        // Column 0: the row's own target; columns 1...k: the shared negatives.
        var logits = [Float](repeating: 0, count: rows * columns)
        logits.withUnsafeMutableBufferPointer { z in
            BLAS.gemm(false, true, m: rows, n: k, k: d, states, lda: d, candidates, ldb: d, beta: 0, z.baseAddress! + 1, ldc: columns)
        }
        var total = 0.0
        for row in 0..<rows {
            let target = Int(targets[row])
            let z = row * columns
            var positive: Float = 0
            for j in 0..<d { positive += states[row * d + j] * embeddings[target * d + j] }
            logits[z] = positive - logCorrection[target]
            for (index, item) in sampled.enumerated() {
                logits[z + 1 + index] = Int(item) == target ? -.infinity : logits[z + 1 + index] - logCorrection[Int(item)]
            }
            let logSumExp = logits.withUnsafeMutableBufferPointer { SoftmaxRow.normalize($0.baseAddress! + z, count: columns) }
            total += Double(logSumExp - (positive - logCorrection[target]))
            logits[z] -= 1
            for j in 0..<columns { logits[z + j] /= Float(rows) }
        }
        // dStates = g₀ · e_target + G_neg · E_neg; dE_target += g₀ · h; dE_neg += G_negᵀ · H.
        var dCandidates = [Float](repeating: 0, count: k * d)
        logits.withUnsafeBufferPointer { z in
            let negativeGradients = z.baseAddress! + 1
            BLAS.gemm(false, false, m: rows, n: d, k: k, negativeGradients, lda: columns, candidates, ldb: d, beta: 0, dStates, ldc: d)
            BLAS.gemm(true, false, m: k, n: d, k: rows, negativeGradients, lda: columns, states, ldb: d, beta: 0, &dCandidates, ldc: d)
        }
        for row in 0..<rows {
            let target = Int(targets[row])
            let g = logits[row * columns]
            for j in 0..<d {
                dStates[row * d + j] += g * embeddings[target * d + j]
                dEmbeddings[target * d + j] += g * states[row * d + j]
            }
        }
        for (index, item) in sampled.enumerated() {
            for j in 0..<d { dEmbeddings[Int(item) * d + j] += dCandidates[index * d + j] }
        }
        return total / Double(rows)
    }
}
