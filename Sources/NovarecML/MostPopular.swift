import NovarecCore

/// Recommends the items with the most distinct training users, the same list for everyone.
/// The floor every other model must clear, and the fallback for unknown users.
public struct MostPopular: Recommender {
    public var name: String { Self.kind }
    public let hyperparameters: [String: Double] = [:]
    private let popularity: [Float]

    public init(statistics: PopularityStatistics) {
        self.init(userCounts: statistics.userCounts)
    }

    /// - Parameter userCounts: distinct users per item (dense item indices).
    public init(userCounts: [Int]) {
        popularity = userCounts.map(Float.init)
    }

    public var itemCount: Int { popularity.count }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        _ = scores.update(fromContentsOf: popularity)
    }
}

extension MostPopular: CheckpointableRecommender {
    public static let kind = "pop"

    public var tensors: [SafeTensors.Tensor] {
        [SafeTensors.Tensor(name: "popularity", shape: [popularity.count], values: popularity)]
    }

    public init(tensors: CheckpointTensors, hyperparameters: [String: Double]) throws(CheckpointError) {
        popularity = try tensors.floats("popularity")
    }
}
