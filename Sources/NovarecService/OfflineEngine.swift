import NovarecCore
import NovarecML
import NovarecRank

/// An engine for offline work (dial evaluation, benchmarks): a checkpoint served with the
/// training popularity of a dataset's leave-one-out split, no event journal, no candidate cache.
public enum OfflineEngine {
    /// The dataset's items must cover the checkpoint's (they are matched by id).
    public static func make(checkpoint: SASRecCheckpoint, dataset: Dataset, scale: DialScale? = nil) -> RecommendationEngine {
        let split = LeaveOneOutSplit(dataset: dataset)
        let popularity = PopularityStatistics(itemCount: split.itemCount, trainingSequences: split.trainingSequences)
        let userCounts = checkpoint.itemIDs.map { id in dataset.items.index(of: id).map { popularity.userCounts[Int($0)] } ?? 0 }
        let model = ServingModel(version: "offline", model: checkpoint.model, items: Vocabulary(orderedIDs: checkpoint.itemIDs),
                                 userCounts: userCounts, users: split.userCount, embeddings: checkpoint.model.itemEmbeddings,
                                 scale: scale ?? ServingNovelty.scale(from: checkpoint.metadata))
        return RecommendationEngine(model: model, journal: nil, candidateCacheUsers: 0)
    }
}
