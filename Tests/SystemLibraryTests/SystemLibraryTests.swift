import CBLAS
import CLibPQ
import Testing

/// The system-library bindings link and behave: OpenBLAS's cblas with the row-major transposes
/// the models rely on, and libpq.
struct SystemLibraryTests {
    @Test func sgemmWithTransposeMatchesHandProduct() {
        // A (2×3) · Bᵀ where B is 2×3 → 2×2.
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [1, 0, 1, 0, 1, 0]
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 2, 2, 3, 1, a, 3, b, 3, 0, &c, 2)
        #expect(c == [4, 2, 10, 5])
    }

    @Test func libpqIsLinkedAndThreadSafe() {
        #expect(PQlibVersion() >= 150000)
        #expect(PQisthreadsafe() == 1)
    }
}
