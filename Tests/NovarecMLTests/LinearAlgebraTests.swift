import NovarecML
import Testing

struct LinearAlgebraTests {
    @Test func invertsASymmetricPositiveDefiniteMatrix() throws {
        let n = 5
        var matrix = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { matrix[i * n + j] = i == j ? Float(4 + i) : 1 / Float(1 + i + j) } }
        var inverse = matrix
        try LinearAlgebra.invertSymmetricPositiveDefinite(&inverse, dimension: n)
        for i in 0..<n {
            for j in 0..<n {
                let product = (0..<n).reduce(Float(0)) { $0 + matrix[i * n + $1] * inverse[$1 * n + j] }
                #expect(abs(product - (i == j ? 1 : 0)) < 1e-5, "(A A⁻¹)[\(i)][\(j)]")
            }
        }
    }

    @Test func indefiniteMatrixIsRefused() {
        var matrix: [Float] = [1, 2, 2, 1]
        #expect(throws: LinearAlgebra.Failure.self) { try LinearAlgebra.invertSymmetricPositiveDefinite(&matrix, dimension: 2) }
    }

    @Test func scalesColumns() {
        var matrix: [Float] = [1, 2, 3, 4]
        LinearAlgebra.scaleColumns(&matrix, dimension: 2, by: [10, -1])
        #expect(matrix == [10, -2, 30, -4])
    }
}
