import NovarecCore

/// EASE (Steck, WWW 2019): a shallow linear item-item autoencoder with a closed-form solution,
/// `P = (XᵀX + λI)⁻¹`, `B = I − P · diag(1/diag(P))` with a zero diagonal; a user's scores are
/// `x_u B` for the binary vector `x_u` of the items in the history.
///
/// Memory is one dense `n × n` float matrix (586 MB for 12,101 items); training is one Cholesky
/// inversion through LAPACK (`O(n³)`).
public struct EASE: Recommender {
    public var name: String { Self.kind }
    public let lambda: Float
    public let itemCount: Int
    private let weights: [Float]

    public init(cooccurrence: ItemCooccurrence, statistics: PopularityStatistics, lambda: Float) throws(LinearAlgebra.Failure) {
        precondition(lambda > 0, "lambda must be positive")
        let n = cooccurrence.itemCount
        var matrix = EASE.gram(cooccurrence: cooccurrence, statistics: statistics, lambda: lambda)
        try LinearAlgebra.invertSymmetricPositiveDefinite(&matrix, dimension: n)
        let diagonal = (0..<n).map { matrix[$0 * n + $0] }
        LinearAlgebra.scaleColumns(&matrix, dimension: n, by: diagonal.map { -1 / $0 })
        for i in 0..<n { matrix[i * n + i] = 0 }
        self.lambda = lambda
        self.itemCount = n
        self.weights = matrix
    }

    public var hyperparameters: [String: Double] { ["lambda": Double(lambda)] }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        scores.update(repeating: 0)
        let n = itemCount
        weights.withUnsafeBufferPointer { b in
            for item in Set(history).sorted() {
                let row = UnsafeBufferPointer(rebasing: b[(Int(item) * n)..<(Int(item) * n + n)])
                RowAccumulator.addDense(row, into: scores)
            }
        }
    }

    /// `XᵀX + λI` as a dense matrix: co-occurrence counts off the diagonal, user counts on it.
    private static func gram(cooccurrence: ItemCooccurrence, statistics: PopularityStatistics, lambda: Float) -> [Float] {
        let n = cooccurrence.itemCount
        var matrix = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = Float(statistics.userCounts[i]) + lambda
            for k in cooccurrence.rowStart[i]..<cooccurrence.rowStart[i + 1] {
                matrix[i * n + Int(cooccurrence.columns[k])] = cooccurrence.counts[k]
            }
        }
        return matrix
    }
}

extension EASE: CheckpointableRecommender {
    public static let kind = "ease"

    public var tensors: [SafeTensors.Tensor] {
        [SafeTensors.Tensor(name: "weights", shape: [itemCount, itemCount], values: weights)]
    }

    /// The model from its `n × n` weights (`weights`, row-major) and `lambda`.
    public init(tensors: CheckpointTensors, hyperparameters: [String: Double]) throws(CheckpointError) {
        let shape = try tensors.tensor("weights").shape
        guard shape.count == 2, shape[0] == shape[1] else { throw CheckpointError("weights have shape \(shape), not n × n") }
        guard let lambda = hyperparameters["lambda"], lambda > 0 else { throw CheckpointError("lambda is missing or not positive") }
        self.lambda = Float(lambda)
        self.itemCount = shape[0]
        self.weights = try tensors.floats("weights")
    }
}
