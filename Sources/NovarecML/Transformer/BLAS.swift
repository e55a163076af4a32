import CBLAS

/// A thin Swift spelling of the OpenBLAS `sgemm` call the Transformer uses, for
/// row-major matrices. `transA`/`transB` say whether the stored matrix is used transposed.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, with op(A) `m × k`, op(B) `k × n`, C `m × n`.
    ///
    /// A single-row product (one user scored against the catalogue at serving time) goes to
    /// `sgemv`: `sgemm` would first pack all of op(B) into its panel format, which costs more
    /// than the product itself when `m` is 1.
    @inline(__always)
    public static func gemm(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if m == 1 {
            // cᵀ = op(B)ᵀ · aᵀ: B stored n × k (transB) is used as is, stored k × n transposed.
            let rows = transB ? n : k
            let columns = transB ? k : n
            cblas_sgemv(
                CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(rows), Int32(columns), alpha,
                b, Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
            return
        }
        if let block = columnBlock(m: m, n: n, k: k) {
            for start in stride(from: 0, to: n, by: block) {
                gemm(
                    transA, transB, m: m, n: min(block, n - start), k: k, alpha: alpha, a, lda: lda, b + (transB ? start * ldb : start),
                    ldb: ldb, beta: beta, c + start, ldc: ldc)
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// OpenBLAS multiplies without copying its operands into packed panels when m·n·k is at most
    /// 2¹⁶ (its "small matrix" kernels, e.g. SkylakeX's); above, it packs B whole on every call.
    /// For a few rows against a long matrix — the serving batch's states against every item
    /// embedding — that copy of the long operand costs as much as the product, so such a product
    /// runs in blocks of columns that each stay under the limit (measured with 12,101 × 64 item
    /// vectors: 4 rows 96 → 38 µs per row, 8 rows 53 → 32, 13 rows 37 → 30; unchanged from about
    /// 16 rows on, where the blocks would get too narrow). nil: one call.
    private static func columnBlock(m: Int, n: Int, k: Int) -> Int? {
        let limit = 1 << 16
        let block = limit / max(m * k, 1) / 16 * 16
        guard block >= 64, m * n * k > limit else { return nil }
        return block
    }
}
