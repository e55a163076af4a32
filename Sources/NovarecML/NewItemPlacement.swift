import CBLAS

/// Where a brand-new item — one nobody has interacted with yet, known only by its text — gets a
/// place in a shopper's list.
///
/// A model trained on behaviour scores a new item from its text alone, next to items whose
/// scores also carry everything learned from purchases; even a text-aware Transformer ranks the
/// right new item far down (cold-start NDCG@10 ≈ .001 on Amazon Scientific). Shops solve this
/// by reserving a place for new items: the new item whose text is closest to what the shopper
/// just looked at is shown at `rank` when that closeness reaches `threshold`, and nothing is
/// shown otherwise. Offline (`NewItemRecommender`) and in the service (items written after the
/// model was trained) the same rule applies.
public struct NewItemPlacement: Sendable, Equatable {
    /// The 1-based position the best-matching new item is lifted to (never pushed down).
    public var rank: Int
    /// The least cosine between the shopper's text profile and the item's text.
    public var threshold: Float

    /// The settings measured best on Amazon Scientific's cold-start protocol (README, "Cold start").
    public static let standard = NewItemPlacement(rank: 3, threshold: 0.65)
    /// How many of the latest history items make the profile, and what each step back is worth.
    public static let profileLength = 3
    public static let profileDecay: Float = 0.7

    public init(rank: Int, threshold: Float) {
        precondition(rank >= 1, "positions start at 1")
        self.rank = rank
        self.threshold = threshold
    }

    /// The shopper's text profile: the unit-length sum of the latest `profileLength` history
    /// items' text vectors, the latest weighted 1 and each step back `profileDecay` times the
    /// next (an item without text keeps its step and adds nothing); nil when none has text.
    /// - Parameter vector: an item's text vector (unit length), nil when it has none.
    public static func profile<History: BidirectionalCollection>(
        of history: History, vector: (History.Element) -> UnsafeBufferPointer<Float>?
    ) -> [Float]? {
        var profile: [Float] = []
        var weight: Float = 1
        for item in history.reversed().prefix(profileLength) {
            defer { weight *= profileDecay }
            guard let text = vector(item) else { continue }
            if profile.isEmpty { profile = [Float](repeating: 0, count: text.count) }
            for dimension in profile.indices { profile[dimension] += weight * text[dimension] }
        }
        let norm = profile.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        return profile.map { $0 / norm }
    }

    /// The candidate closest to `profile`, if its cosine reaches `threshold` (the first on ties),
    /// among those `accept`ed — asked only of a candidate that would be the best so far.
    public func bestMatch<Candidates: Sequence>(
        for profile: [Float], among candidates: Candidates, vector: (Candidates.Element) -> UnsafeBufferPointer<Float>?,
        accept: (Candidates.Element) -> Bool = { _ in true }
    ) -> (item: Candidates.Element, similarity: Float)? {
        var best: (item: Candidates.Element, similarity: Float)?
        for candidate in candidates {
            guard let text = vector(candidate), text.count == profile.count else { continue }
            let similarity = profile.withUnsafeBufferPointer { Self.similarity($0, text) }
            if similarity >= threshold, similarity > best?.similarity ?? -.infinity, accept(candidate) { best = (candidate, similarity) }
        }
        return best
    }

    /// The cosine of two unit vectors of one length (their dot product).
    public static func similarity(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        cblas_sdot(Int32(a.count), a.baseAddress, 1, b.baseAddress, 1)
    }
}
