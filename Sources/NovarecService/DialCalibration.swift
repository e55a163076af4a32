import Foundation
import NovarecCore
import NovarecEval
import NovarecRank

/// Spaces the novelty dial along a model's own accuracy–novelty trade-off: the default
/// re-ranker is run through the engine on the validation users at strengths 0, 0.1, …, 1, and
/// the served dial is mapped so that equal steps buy equal steps of the novelty achieved there
/// (`DialScale`). Done once per trained model; the scale travels in its checkpoint.
public enum DialCalibration {
    public static let strengths = (0...10).map { Double($0) / 10 }

    /// The measured frontier and the scale built from it.
    public struct Result: Sendable {
        public let scale: DialScale
        /// One point per strength, on the validation users.
        public let frontier: [DialSweep.Point]

        /// Checkpoint metadata carrying the scale.
        public var metadata: [String: String] {
            guard let json = try? JSONEncoder().encode(scale) else { return [:] }
            return [ServingNovelty.scaleKey: String(decoding: json, as: UTF8.self)]
        }
    }

    /// - Parameter model: the serving model to calibrate (its own scale is ignored).
    public static func calibrate(_ model: ServingModel, context: EvaluationContext) -> Result {
        let engine = RecommendationEngine(model: model.withScale(.identity), journal: nil, candidateCacheUsers: 0)
        let settings = strengths.map { DialSweep.Setting(reranker: model.novelty.reranker.name, novelty: $0) }
        var sweep = DialSweep(engine: engine, context: context)
        sweep.listLength = 10
        let frontier = sweep.evaluate(settings, stage: .validation, cutoffs: [10])
        return Result(scale: DialScale(frontier: strengths, novelty: frontier.map(\.servedNovelty)), frontier: frontier)
    }
}
