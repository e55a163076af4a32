/// Every re-ranker by its `name`, for the CLI's flags and the service's requests.
public enum RerankerCatalog {
    /// The names `make` knows, in the order reports list them.
    public static let names = ["blend", "popularity-penalty", "mmr", "xquad", "calibration", "personal-novelty", "tail-affinity-penalty"]

    /// The re-ranker called `name` with its default settings, or nil for an unknown name.
    /// - Parameter users: shoppers the item space's novelty was computed over (the popularity
    ///   penalty's scale).
    public static func make(_ name: String, users: Int) -> (any Reranker)? {
        switch name {
        case "blend": BlendReranker()
        case "popularity-penalty": PopularityPenaltyReranker(users: users)
        case "mmr": MMRReranker()
        case "xquad": XQuADReranker()
        case "calibration": CalibrationReranker()
        case "personal-novelty": PersonalNoveltyReranker()
        case "tail-affinity-penalty": TailAffinityPenaltyReranker(users: users)
        default: nil
        }
    }

    /// One of each re-ranker, in the order of `names`.
    public static func all(users: Int) -> [any Reranker] {
        names.compactMap { make($0, users: users) }
    }
}
