import NovarecCore
import NovarecEval

/// The figures a validation gate compares, measured through the engine on every user's
/// held-out last item: NDCG@10, HR@10, Novelty@10, Coverage@10 and LongTail@10 at novelty 0
/// (the plain ranking), and NDCG@10, Novelty@10 and TailHR@10 at the service's default dial —
/// so a candidate that is accurate but collapses novelty where it is served is refused.
public enum ServedGateFigures {
    /// The dial most requests are expected to use, where novelty must hold up.
    public static let defaultDial = 0.5

    public static func measure(_ model: ServingModel, context: EvaluationContext) -> [String: Double] {
        let engine = RecommendationEngine(model: model, journal: nil, candidateCacheUsers: 0)
        var sweep = DialSweep(engine: engine, context: context)
        sweep.listLength = 10
        let reranker = model.novelty.reranker.name
        let points = sweep.evaluate(
            [DialSweep.Setting(reranker: reranker, novelty: 0), DialSweep.Setting(reranker: reranker, novelty: defaultDial)],
            stage: .test, cutoffs: [10])
        let plain = points[0].metrics
        let dialled = points[1].metrics
        return [
            "ndcg10": plain["NDCG@10"] ?? 0, "hr10": plain["HR@10"] ?? 0, "novelty10": plain["Novelty@10"] ?? 0,
            "coverage10": plain["Coverage@10"] ?? 0, "longtail10": plain["LongTail@10"] ?? 0,
            "ndcg10_dial": dialled["NDCG@10"] ?? 0, "novelty10_dial": dialled["Novelty@10"] ?? 0, "tailhr10_dial": dialled["TailHR@10"] ?? 0
        ]
    }
}
