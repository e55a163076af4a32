import CBLAS

/// Thin Swift spellings of the OpenBLAS level-3/level-2 calls the Transformer uses, for
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

    /// `y = alpha · A · x + beta · y` for a row-major `rows × columns` matrix A.
    static func gemv(
        rows: Int, columns: Int, alpha: Float = 1, _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
        beta: Float, _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), alpha, a, Int32(columns), x, 1, beta, y, 1)
    }
}
