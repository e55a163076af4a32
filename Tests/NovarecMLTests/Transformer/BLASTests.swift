import Testing
@testable import NovarecML

/// `BLAS.gemm` against a naive triple loop, for every transpose combination, with the
/// row-by-row (`sgemv`) path, the general `sgemm` path and, where OpenBLAS has small-matrix
/// kernels, the column blocks of a long product.
struct BLASTests {
    private func naive(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
        b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let left = transA ? a[p * lda + i] : a[i * lda + p]
                    let right = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += left * right
                }
                result[i * ldc + j] = alpha * sum + beta * c[i * ldc + j]
            }
        }
        return result
    }

    @Test(arguments: [(1, 7), (2, 7), (3, 7), (4, 7), (9, 7), (3, 3_001), (5, 3_001)], [(false, false), (false, true), (true, false), (true, true)])
    func matchesNaiveProduct(shape: (m: Int, n: Int), transposes: (Bool, Bool)) {
        let (transA, transB) = transposes
        let (m, n) = shape
        let k = 24
        let lda = transA ? m + 2 : k + 1
        let ldb = transB ? k + 3 : n + 1
        let ldc = n + 2
        let a = (0..<((transA ? k : m) * lda)).map { Float(($0 * 37) % 11) - 5 }
        let b = (0..<((transB ? n : k) * ldb)).map { Float(($0 * 13) % 7) - 3 }
        let c = (0..<(m * ldc)).map { Float($0 % 5) }
        var actual = c
        BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: 0.5, a, lda: lda, b, ldb: ldb, beta: 2, &actual, ldc: ldc)
        let expected = naive(transA, transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: c, ldc: ldc)
        for row in 0..<m {
            for column in 0..<n { #expect(abs(actual[row * ldc + column] - expected[row * ldc + column]) < 1e-4) }
        }
    }
}
