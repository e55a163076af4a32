/// Adds weighted sparse or dense rows into a dense score vector: the inner loop of
/// neighbourhood and linear item-item models. Written as plain loops over unsafe buffers,
/// which the compiler vectorises; calling BLAS per short row would cost more in call overhead
/// (and threading) than the arithmetic.
enum RowAccumulator {
    /// `scores[columns[k]] += weight * values[k]` for every `k` in `range`.
    static func addSparse(
        weight: Float, columns: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>,
        range: Range<Int>, into scores: UnsafeMutableBufferPointer<Float>
    ) {
        for k in range { scores[Int(columns[k])] += weight * values[k] }
    }

    /// `scores[j] += row[j]` for every `j`.
    static func addDense(_ row: UnsafeBufferPointer<Float>, into scores: UnsafeMutableBufferPointer<Float>) {
        for j in 0..<scores.count { scores[j] += row[j] }
    }
}
