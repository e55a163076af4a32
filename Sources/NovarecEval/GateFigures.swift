import NovarecCore
import NovarecML

/// The figures a validation gate compares: a model ranked over the whole catalogue for every
/// user's held-out last item (the protocol's test stage), NDCG@10 for accuracy plus the
/// beyond-accuracy figures a new model must not give up, Novelty@10 and Coverage@10.
public enum GateFigures {
    /// `["ndcg10", "hr10", "novelty10", "coverage10", "longtail10"]` for `recommender` on `context`.
    public static func measure(_ recommender: any Recommender, context: EvaluationContext) -> [String: Double] {
        let lists = RankingRunner(split: context.split).topLists(recommender, stage: .test, k: 10)
        let metrics = RankingMetrics(context: context).evaluate(lists: lists, targets: context.targets(.test), ks: [10])
        return ["ndcg10": metrics["NDCG@10"] ?? 0, "hr10": metrics["HR@10"] ?? 0, "novelty10": metrics["Novelty@10"] ?? 0,
                "coverage10": metrics["Coverage@10"] ?? 0, "longtail10": metrics["LongTail@10"] ?? 0]
    }
}
