import NovarecCore

/// Everything derived once from a dataset for an offline evaluation: the leave-one-out split and
/// the training-only statistics that models and beyond-accuracy metrics share.
public struct EvaluationContext: Sendable {
    public let split: LeaveOneOutSplit
    public let popularity: PopularityStatistics
    public let cooccurrence: ItemCooccurrence

    public init(dataset: Dataset) {
        let split = LeaveOneOutSplit(dataset: dataset)
        let training = split.trainingSequences
        self.split = split
        self.popularity = PopularityStatistics(itemCount: split.itemCount, trainingSequences: training)
        self.cooccurrence = ItemCooccurrence(itemCount: split.itemCount, trainingSequences: training)
    }

    public func targets(_ stage: LeaveOneOutSplit.Stage) -> [Int32] {
        (0..<split.userCount).map { split.target($0, stage: stage) }
    }
}
