import NovarecCore
import Synchronization

/// Everything derived once from a dataset for an offline evaluation: the leave-one-out split and
/// the training-only statistics that models and beyond-accuracy metrics share.
public struct EvaluationContext: Sendable {
    public let split: LeaveOneOutSplit
    public let popularity: PopularityStatistics
    private let cooccurrenceCache: Computed<ItemCooccurrence>

    /// Item co-occurrence of the training part, built on first use (ItemKNN, EASE and ILD need
    /// it; training the Transformer does not).
    public var cooccurrence: ItemCooccurrence { cooccurrenceCache.value }

    public init(dataset: Dataset) {
        let split = LeaveOneOutSplit(dataset: dataset)
        let training = split.trainingSequences
        self.split = split
        self.popularity = PopularityStatistics(itemCount: split.itemCount, trainingSequences: training)
        self.cooccurrenceCache = Computed { ItemCooccurrence(itemCount: split.itemCount, trainingSequences: training) }
    }

    public func targets(_ stage: LeaveOneOutSplit.Stage) -> [Int32] {
        (0..<split.userCount).map { split.target($0, stage: stage) }
    }
}

/// A value computed once, on first access, from any thread.
final class Computed<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let state = Mutex<Value?>(nil)

    init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    var value: Value {
        state.withLock { state in
            if let state { return state }
            let value = make()
            state = value
            return value
        }
    }
}
