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
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
