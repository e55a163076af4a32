import NovarecCore

/// Item-based nearest neighbours: cosine similarity on the binary user–item training matrix with
/// shrinkage, `sim(i, j) = c_ij / (sqrt(n_i n_j) + shrink)`; a user's score for `j` sums the
/// similarities of the last `neighbourhood` history items to `j`, the item `t` steps back
/// weighted `decay^t` (so recent behaviour counts more).
public struct ItemKNN: Recommender {
    public struct Configuration: Sendable, Equatable {
        public var shrink: Float
        public var neighbourhood: Int
        public var decay: Float

        public init(shrink: Float, neighbourhood: Int, decay: Float) {
            precondition(shrink >= 0 && neighbourhood > 0 && decay > 0 && decay <= 1)
            self.shrink = shrink
            self.neighbourhood = neighbourhood
            self.decay = decay
        }
    }

    public let name = "itemknn"
    public let configuration: Configuration
    public let itemCount: Int
    private let rowStart: [Int]
    private let columns: [Int32]
    private let similarities: [Float]

    public init(cooccurrence: ItemCooccurrence, statistics: PopularityStatistics, configuration: Configuration) {
        self.configuration = configuration
        self.itemCount = cooccurrence.itemCount
        self.rowStart = cooccurrence.rowStart
        self.columns = cooccurrence.columns
        var similarities = cooccurrence.counts
        let userCounts = statistics.userCounts.map(Float.init)
        for item in 0..<itemCount {
            for k in rowStart[item]..<rowStart[item + 1] {
                let norm = (userCounts[item] * userCounts[Int(columns[k])]).squareRoot()
                similarities[k] /= norm + configuration.shrink
            }
        }
        self.similarities = similarities
    }

    public var hyperparameters: [String: Double] {
        ["shrink": Double(configuration.shrink), "neighbourhood": Double(configuration.neighbourhood),
         "decay": Double(configuration.decay)]
    }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        scores.update(repeating: 0)
        var weight: Float = 1
        columns.withUnsafeBufferPointer { columns in
            similarities.withUnsafeBufferPointer { values in
                for item in history.reversed().prefix(configuration.neighbourhood) {
                    let range = rowStart[Int(item)]..<rowStart[Int(item) + 1]
                    RowAccumulator.addSparse(weight: weight, columns: columns, values: values, range: range, into: scores)
                    weight *= configuration.decay
                }
            }
        }
    }
}
