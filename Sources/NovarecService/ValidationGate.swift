/// Decides whether a freshly trained candidate replaces the serving model, from both models'
/// figures on the same held-out items (`ServedGateFigures`). Margins are relative: with the
/// defaults the candidate must keep at least 98 % of the serving model's NDCG@10 and Novelty@10
/// both at novelty 0 and at the default dial, and 95 % of its Coverage@10. A candidate whose
/// NDCG@10 is not a positive number is refused outright. A figure one side lacks is not compared.
public struct ValidationGate: Sendable, Codable, Equatable {
    public var ndcgMargin = 0.02
    public var noveltyMargin = 0.02
    public var coverageMargin = 0.05

    public init() {}

    /// The decision and a sentence saying why (stored with the run, shown by `GET /v1/model`).
    public func decide(candidate: [String: Double], serving: [String: Double]) -> (accepted: Bool, reason: String) {
        let ndcg = candidate["ndcg10"] ?? 0
        guard ndcg > 0, ndcg.isFinite else { return (false, "candidate NDCG@10 is \(Self.format(ndcg)): nothing learned") }
        let guards = [
            ("NDCG@10", "ndcg10", ndcgMargin), ("Novelty@10", "novelty10", noveltyMargin), ("Coverage@10", "coverage10", coverageMargin),
            ("NDCG@10 at the default dial", "ndcg10_dial", ndcgMargin), ("Novelty@10 at the default dial", "novelty10_dial", noveltyMargin)
        ]
        for (label, key, margin) in guards {
            guard let mine = candidate[key], let theirs = serving[key] else { continue }
            if mine < theirs * (1 - margin) {
                return (false, "\(label) \(Self.format(mine)) is below the serving model's \(Self.format(theirs)) by more than \(Int(margin * 100)) %")
            }
        }
        return (
            true,
            "NDCG@10 \(Self.format(ndcg)) vs \(Self.format(serving["ndcg10"] ?? 0)); Novelty@10 and Coverage@10, "
                + "and NDCG@10 and Novelty@10 at the default dial, within their margins"
        )
    }

    private static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
