import CBLAS

/// Dense linear algebra that needs LAPACK, wrapped in Swift types with Swift errors.
public enum LinearAlgebra {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Inverts a symmetric positive-definite `n × n` matrix in place (Cholesky: `spotrf` then
    /// `spotri`) and fills both triangles of the result. Storage order does not matter for a
    /// symmetric matrix.
    public static func invertSymmetricPositiveDefinite(_ matrix: inout [Float], dimension n: Int) throws(Failure) {
        precondition(matrix.count == n * n, "matrix must hold n*n elements")
        var size = Int32(n)
        var info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "U"))
        matrix.withUnsafeMutableBufferPointer { a in
            spotrf_(&uplo, &size, a.baseAddress, &size, &info, 1)
            guard info == 0 else { return }
            spotri_(&uplo, &size, a.baseAddress, &size, &info, 1)
        }
        guard info == 0 else {
            throw Failure(description: "matrix is not positive definite (LAPACK info \(info)); increase regularisation")
        }
        matrix.withUnsafeMutableBufferPointer { a in
            // Column-major upper triangle is filled: copy a[c*n + r] (r < c) to a[r*n + c].
            for column in 0..<(n - 1) {
                let source = a.baseAddress! + (column + 1) * n + column
                cblas_scopy(Int32(n - column - 1), source, Int32(n), a.baseAddress! + column * n + column + 1, 1)
            }
        }
    }

    /// Multiplies column `j` of a row-major `n × n` matrix by `factors[j]` for every `j`.
    public static func scaleColumns(_ matrix: inout [Float], dimension n: Int, by factors: [Float]) {
        matrix.withUnsafeMutableBufferPointer { a in
            for column in 0..<n {
                cblas_sscal(Int32(n), factors[column], a.baseAddress! + column, Int32(n))
            }
        }
    }
}
