import NovarecCore
import NovarecEval
import NovarecML

/// An engine for offline work (dial evaluation, calibration, benchmarks): a checkpoint served
/// with the training popularity of an evaluation context, no event journal, no candidate cache.
public enum OfflineEngine {
    /// The context's items must cover the checkpoint's (they are matched by id).
    public static func make(checkpoint: SASRecCheckpoint, context: EvaluationContext) -> RecommendationEngine {
        let items = context.split.dataset.items
        let userCounts = context.popularity.userCounts
        let model = ServingModel(
            checkpoint: .sasrec(checkpoint), version: "offline",
            userCounts: checkpoint.itemIDs.map { id in items.index(of: id).map { userCounts[Int($0)] } ?? 0 },
            users: context.split.userCount)
        return RecommendationEngine(model: model, journal: nil, candidateCacheUsers: 0)
    }
}
