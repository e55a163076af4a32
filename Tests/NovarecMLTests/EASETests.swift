import NovarecCore
import NovarecML
import Testing

struct EASETests {
    @Test func fulfilsTheContract() throws {
        RecommenderContract.check(try EASE(cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics, lambda: 5))
    }

    @Test func survivesACheckpointRoundTrip() throws {
        try RecommenderContract.checkCheckpointRoundTrip(
            try EASE(
                cooccurrence: RecommenderContract.cooccurrence,
                statistics: RecommenderContract.statistics, lambda: 7))
    }

    /// B = I − P diag(1/diag P), P = (XᵀX + λI)⁻¹, checked against a Gauss–Jordan inverse in Double.
    @Test func weightsMatchTheClosedFormByHand() throws {
        let training: [ArraySlice<Int32>] = [[0, 1], [0, 1, 2], [1, 2], [2, 3], [0]]
        let lambda = 2.0
        let model = try EASE(
            cooccurrence: ItemCooccurrence(itemCount: 4, trainingSequences: training),
            statistics: PopularityStatistics(itemCount: 4, trainingSequences: training), lambda: Float(lambda))
        var gram = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        for user in training { for i in Set(user) { for j in Set(user) { gram[Int(i)][Int(j)] += 1 } } }
        for i in 0..<4 { gram[i][i] += lambda }
        let p = invert(gram)
        for item in 0..<4 {
            let row = RecommenderContract.scores(model, [Int32(item)])
            for j in 0..<4 {
                let expected = item == j ? 0 : -p[item][j] / p[j][j]
                #expect(abs(Double(row[j]) - expected) < 1e-5, "B[\(item)][\(j)]")
            }
        }
        let combined = RecommenderContract.scores(model, [0, 2, 0])
        let separate = zip(RecommenderContract.scores(model, [0]), RecommenderContract.scores(model, [2])).map { $0 + $1 }
        #expect(zip(combined, separate).allSatisfy { abs($0 - $1) < 1e-6 }, "history is a binary set")
    }

    private func invert(_ matrix: [[Double]]) -> [[Double]] {
        let n = matrix.count
        var a = matrix.enumerated().map { row, values in values + (0..<n).map { $0 == row ? 1.0 : 0.0 } }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            let divisor = a[column][column]
            a[column] = a[column].map { $0 / divisor }
            for row in 0..<n where row != column {
                let factor = a[row][column]
                a[row] = zip(a[row], a[column]).map { $0 - factor * $1 }
            }
        }
        return a.map { Array($0[n...]) }
    }
}
