/// A dense layer `y = x W + b` over `rows × input` activations, with `W` stored `input × output`
/// row-major; both directions are single `sgemm` calls.
public enum Linear {
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, input: Int, output: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0 else { return }
        // The bias in every row: one row copied, then the filled rows doubled (a few large
        // copies instead of one per row).
        y.update(from: bias, count: output)
        var filled = 1
        while filled < rows {
            let copied = min(filled, rows - filled)
            (y + filled * output).update(from: y, count: copied * output)
            filled += copied
        }
        BLAS.gemm(false, false, m: rows, n: output, k: input, x, lda: input, weight, ldb: output, beta: 1, y, ldc: output)
    }

    /// Accumulates `dW += xᵀ dy`, `db += Σ dy` and, when `dx` is given, writes `dx = dy Wᵀ`
    /// (or adds it when `accumulate`).
    static func backward(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, input: Int, output: Int,
        weight: UnsafePointer<Float>, dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false
    ) {
        BLAS.gemm(true, false, m: input, n: output, k: rows, x, lda: input, dy, ldb: output, beta: 1, dWeight, ldc: output)
        for row in 0..<rows {
            let g = dy + row * output
            for j in 0..<output { dBias[j] += g[j] }
        }
        guard let dx else { return }
        BLAS.gemm(false, true, m: rows, n: input, k: output, dy, lda: output, weight, ldb: output, beta: accumulate ? 1 : 0, dx, ldc: input)
    }
}
