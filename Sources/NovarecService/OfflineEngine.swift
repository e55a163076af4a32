import NovarecCore
import NovarecEval
import NovarecML
import NovarecRank

/// An engine for offline work (dial evaluation, calibration, benchmarks): a checkpoint served
/// with the training popularity of an evaluation context, no event journal, no candidate cache.
public enum OfflineEngine {
    /// The context's items must cover the checkpoint's (they are matched by id).
    public static func make(checkpoint: SASRecCheckpoint, context: EvaluationContext, scale: DialScale? = nil) -> RecommendationEngine {
        let items = context.split.dataset.items, popularity = context.popularity
        let aligned = checkpoint.itemIDs.map { items.index(of: $0).map(Int.init) }
        let model = ServingModel(version: "offline", model: checkpoint.servedModel(fallbackCounts: aligned.map { $0.map { Double(popularity.interactionCounts[$0]) } ?? 0 }),
                                 items: Vocabulary(orderedIDs: checkpoint.itemIDs), userCounts: aligned.map { $0.map { popularity.userCounts[$0] } ?? 0 },
                                 users: context.split.userCount, embeddings: checkpoint.model.itemEmbeddings,
                                 scale: scale ?? ServingNovelty.scale(from: checkpoint.metadata))
        return RecommendationEngine(model: model, journal: nil, candidateCacheUsers: 0)
    }
}
