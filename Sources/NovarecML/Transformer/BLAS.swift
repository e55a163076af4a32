import CBLAS

/// A thin Swift spelling of the OpenBLAS `sgemm` call the Transformer uses, for
/// row-major matrices. `transA`/`transB` say whether the stored matrix is used transposed.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, with op(A) `m × k`, op(B) `k × n`, C `m × n`.
    ///
    /// A product of a few rows (users scored against the catalogue at serving time) goes row by
    /// row to `sgemv`: `sgemm` would first pack all of op(B) into its panel format, which costs
    /// more than the product itself when `m` is small. Below `rowByRowLimit` rows that is one
    /// `sgemv` per row; where OpenBLAS has small-matrix kernels, from two rows on the product
    /// runs in column blocks they take unpacked (`columnBlock`).
    @inline(__always)
    public static func gemm(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if m < rowByRowLimit {
            // cᵀ = op(B)ᵀ · aᵀ for each row: B stored n × k (transB) is used as is, stored k × n
            // transposed; row i of op(A) is row i of A, or column i when A is used transposed.
            let rows = transB ? n : k
            let columns = transB ? k : n
            for row in 0..<m {
                cblas_sgemv(
                    CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(rows), Int32(columns), alpha, b, Int32(ldb),
                    a + (transA ? row : row * lda), Int32(transA ? lda : 1), beta, c + row * ldc, 1)
            }
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

    /// Whether the loaded OpenBLAS multiplies small products without packing its operands: its
    /// "small matrix" kernels exist for the AVX-512 cores (SkylakeX and the kernel families
    /// built on it), not for Haswell or Zen.
    static let hasSmallMatrixKernels = ["SkylakeX", "Cooperlake", "SapphireRapids"].contains(OpenBLASRuntime.coreName)

    /// Products with fewer rows run one `sgemv` per row. Without small-matrix kernels `sgemm`
    /// packs all of op(B) on every call: on an AMD EPYC (Zen 3) against the 12,101 × 64 item
    /// matrix, 2 rows cost 87–118 µs per row and 3 rows 89–107 that way, one `sgemv` 45–54 µs,
    /// and from 4 rows on `sgemm` wins (40 µs per row, 25 at 12). With them, only one row does.
    static let rowByRowLimit = hasSmallMatrixKernels ? 2 : 4

    /// OpenBLAS's small-matrix kernels multiply without copying their operands into packed
    /// panels when m·n·k is at most 2¹⁶; above, it packs B whole on every call. For a few rows
    /// against a long matrix — the serving batch's states against every item embedding — that
    /// copy of the long operand costs as much as the product, so where those kernels exist such
    /// a product runs in blocks of columns that each stay under the limit (measured with 12,101 ×
    /// 64 item vectors on SkylakeX: 4 rows 96 → 38 µs per row, 8 rows 53 → 32, 13 rows 37 → 30;
    /// unchanged from about 16 rows on, where the blocks would get too narrow). Without them the
    /// blocks only add calls (Zen 3: 5–10 % slower at 4–16 rows). nil: one call.
    private static func columnBlock(m: Int, n: Int, k: Int) -> Int? {
        guard hasSmallMatrixKernels else { return nil }
        let limit = 1 << 16
        let block = limit / max(m * k, 1) / 16 * 16
        guard block >= 64, m * n * k > limit else { return nil }
        return block
    }
}
