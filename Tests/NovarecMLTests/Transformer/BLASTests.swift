import Testing
@testable import NovarecML

/// `BLAS.gemm` against a naive triple loop, for every transpose combination, with the
/// single-row (`sgemv`) path and the general `sgemm` path.
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

    @Test(arguments: [1, 3], [(false, false), (false, true), (true, false), (true, true)])
    func matchesNaiveProduct(m: Int, transposes: (Bool, Bool)) {
        let (transA, transB) = transposes
        let n = 7
        let k = 5
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
