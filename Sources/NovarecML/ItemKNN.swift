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

    public var name: String { Self.kind }
    public let configuration: Configuration
    public let itemCount: Int
    /// The similarity rows in compressed sparse row form: item `i`'s neighbours are
    /// `columns[rowStart[i]..<rowStart[i + 1]]`, with their `similarities` at the same positions.
    let rowStart: [Int]
    let columns: [Int32]
    let similarities: [Float]

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

    /// A model from its similarity rows in compressed sparse row form (see `rowStart`); throws
    /// when the arrays are not a valid sparse matrix over `rowStart.count - 1` items.
    public init(configuration: Configuration, rowStart: [Int], columns: [Int32], similarities: [Float]) throws(CheckpointError) {
        let itemCount = rowStart.count - 1
        guard rowStart.first == 0, rowStart.last == columns.count, columns.count == similarities.count,
            zip(rowStart, rowStart.dropFirst()).allSatisfy({ $0 <= $1 }), columns.allSatisfy({ $0 >= 0 && Int($0) < itemCount })
        else {
            throw CheckpointError("similarity rows are not a valid sparse matrix over \(max(itemCount, 0)) items")
        }
        self.configuration = configuration
        self.itemCount = itemCount
        self.rowStart = rowStart
        self.columns = columns
        self.similarities = similarities
    }

    public var hyperparameters: [String: Double] {
        [
            "shrink": Double(configuration.shrink), "neighbourhood": Double(configuration.neighbourhood),
            "decay": Double(configuration.decay)
        ]
    }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        scores.update(repeating: 0)
        addScores(history: history, weight: 1, into: scores)
    }

    /// Adds `weight ×` the scores for `history` to `scores` (what another model's scores are
    /// blended with, without a buffer of its own).
    public func addScores(history: ArraySlice<Int32>, weight: Float, into scores: UnsafeMutableBufferPointer<Float>) {
        var weight = weight
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

extension ItemKNN: CheckpointableRecommender {
    public static let kind = "itemknn"

    public var tensors: [SafeTensors.Tensor] {
        [
            SafeTensors.Tensor(name: "row_start", shape: [rowStart.count], storage: .i64(rowStart.map(Int64.init))),
            SafeTensors.Tensor(name: "columns", shape: [columns.count], storage: .i32(columns)),
            SafeTensors.Tensor(name: "similarities", shape: [similarities.count], values: similarities)
        ]
    }

    /// The model from its sparse similarity rows and its shrink, neighbourhood and decay.
    public init(tensors: CheckpointTensors, hyperparameters: [String: Double]) throws(CheckpointError) {
        guard let shrink = hyperparameters["shrink"].map(Float.init), let decay = hyperparameters["decay"].map(Float.init),
            let neighbourhood = hyperparameters["neighbourhood"], (1...Double(Int32.max)).contains(neighbourhood),
            shrink >= 0, decay > 0, decay <= 1
        else {
            throw CheckpointError("shrink, neighbourhood or decay is missing or out of range")
        }
        try self.init(
            configuration: Configuration(shrink: shrink, neighbourhood: Int(neighbourhood), decay: decay),
            rowStart: tensors.int64s("row_start").map { Int($0) }, columns: tensors.int32s("columns"),
            similarities: tensors.floats("similarities"))
    }
}
