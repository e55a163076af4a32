import NovarecML

/// Bidirectional multi-head self-attention over packed sentences: every token attends to every
/// token of its own sentence and to no other, which is exactly what a padding mask achieves in a
/// padded batch, without computing the padding. Works on the fused projection `qkv`
/// (`rows × 3d`, columns Q | K | V; head `h` uses columns `h·dₕ..<(h+1)·dₕ` of each part); both
/// products of each (sentence, head) are one `sgemm` on strided views.
struct EncoderSelfAttention {
    let width: Int
    let heads: Int

    var headWidth: Int { width / heads }

    /// `output` (`rows × d`) = the heads of softmax(Q Kᵀ / √dₕ) V, side by side, for every
    /// sentence (`offsets[s]..<offsets[s+1]` are sentence `s`'s rows).
    func forward(offsets: [Int], qkv: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let longest = zip(offsets, offsets.dropFirst()).map { $1 - $0 }.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        let scale = 1 / Float(headWidth).squareRoot()
        scores.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress!
            for (start, end) in zip(offsets, offsets.dropFirst()) {
                let length = end - start
                for head in 0..<heads {
                    let q = qkv + start * 3 * width + head * headWidth
                    BLAS.gemm(
                        false, true, m: length, n: length, k: headWidth, alpha: scale, q, lda: 3 * width, q + width, ldb: 3 * width,
                        beta: 0, p, ldc: length)
                    Self.softmaxRows(p, rows: length, columns: length)
                    BLAS.gemm(
                        false, false, m: length, n: headWidth, k: length, p, lda: length, q + 2 * width, ldb: 3 * width,
                        beta: 0, output + start * width + head * headWidth, ldc: width)
                }
            }
        }
    }

    /// Softmax of every row of a `rows × columns` matrix, in place.
    static func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for i in 0..<rows { SoftmaxRow.normalize(scores + i * columns, count: columns) }
    }
}
