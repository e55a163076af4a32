import CBLAS

/// A thin Swift spelling of the OpenBLAS `sgemm` call the Transformer uses, for
/// row-major matrices. `transA`/`transB` say whether the stored matrix is used transposed.
enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, with op(A) `m × k`, op(B) `k × n`, C `m × n`.
    @inline(__always)
    static func gemm(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
