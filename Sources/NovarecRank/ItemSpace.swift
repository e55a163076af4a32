import Foundation
import NovarecCore

/// What re-rankers know about the serving model's items besides the request: global novelty,
/// the popularity head, similarity in the model's item space and categories. Built once per
/// serving model and shared by every request.
public struct ItemSpace: Sendable {
    /// Per item, normalised self-information in [0, 1] (0: every shopper has it, 1: nobody has).
    public let novelty: [Double]
    /// Per item, true for the popularity head (the most popular items making up 20 % of the
    /// interactions); the rest is the long tail.
    public let isHead: [Bool]
    /// Cosine similarity of the model's item vectors (all 0 without vectors).
    public let similarity: ItemSimilarity
    /// Per item, its category indices (empty: uncategorised); empty when no item has categories.
    public let categories: [[Int32]]

    public init(
        novelty: [Double], isHead: [Bool], similarity: ItemSimilarity = ItemSimilarity(embeddings: nil, count: 0),
        categories: [[Int32]] = []
    ) {
        precondition(novelty.count == isHead.count, "one novelty and one head flag per item")
        self.novelty = novelty
        self.isHead = isHead
        self.similarity = similarity
        self.categories = categories
    }

    /// An item space from distinct-user popularity (`userCounts`, over `users` shoppers).
    public init(userCounts: [Int], users: Int, embeddings: [Float]? = nil, categories: [[Int32]] = []) {
        self.init(
            novelty: Self.normalisedSelfInformation(userCounts: userCounts, users: users),
            isHead: PopularityStatistics.head(of: userCounts), similarity: ItemSimilarity(embeddings: embeddings, count: userCounts.count),
            categories: categories)
    }

    public var itemCount: Int { novelty.count }

    /// Normalised self-information from distinct-user popularity, add-one smoothed so that it is
    /// defined for unseen items and tiny logs: `−log₂((pop + 1)/(users + 1)) / log₂(users + 1)`,
    /// 0 for an item every user has, 1 for an item nobody has.
    public static func normalisedSelfInformation(userCounts: [Int], users: Int) -> [Double] {
        let total = Double(max(users, 0) + 1)
        let maximum = log2(max(total, 2))
        return userCounts.map { count in
            let value = -log2(Double(min(max(count, 0), users) + 1) / total) / maximum
            return min(1, max(0, value)) + 0.0
        }
    }

    /// How far `item` is from what the shopper has seen: `1 − max cosine` to the last
    /// `recent` history items, in [0, 2], and the history item it is closest to (nil for an
    /// empty history or without item vectors, distance 1).
    public func distance(of item: Int32, toHistory history: [Int32], recent: Int = 20) -> (distance: Double, nearest: Int32?) {
        guard !similarity.isEmpty, !history.isEmpty else { return (1, nil) }
        let (best, nearest) = similarity.mostSimilar(to: item, among: history.suffix(recent))
        return (1 - Double(best), nearest)
    }
}

/// Cosine similarity between item vectors, rows normalised once.
public struct ItemSimilarity: Sendable {
    private let rows: [Float]
    private let width: Int

    /// - Parameter embeddings: `count × d` item vectors, row-major; nil: no similarity.
    public init(embeddings: [Float]?, count: Int) {
        guard let embeddings, count > 0, embeddings.count >= count, embeddings.count % count == 0 else {
            (rows, width) = ([], 0)
            return
        }
        let width = embeddings.count / count
        var rows = embeddings
        for item in 0..<count {
            let range = (item * width)..<((item + 1) * width)
            let norm = rows[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for j in range { rows[j] /= norm } }
        }
        (self.rows, self.width) = (rows, width)
    }

    /// True without vectors: every similarity is then 0.
    public var isEmpty: Bool { width == 0 }

    public func cosine(_ a: Int32, _ b: Int32) -> Double {
        guard width > 0 else { return 0 }
        return rows.withUnsafeBufferPointer { Double(Self.dot($0.baseAddress! + Int(a) * width, $0.baseAddress! + Int(b) * width, width)) }
    }

    /// The highest cosine similarity of `item` to one of `others`, and the first of `others`
    /// that has it (−∞ and nil when `others` is empty), the rows read in one access.
    public func mostSimilar(to item: Int32, among others: ArraySlice<Int32>) -> (similarity: Float, other: Int32?) {
        guard width > 0 else { return others.first.map { (0, $0) } ?? (-.infinity, nil) }
        return rows.withUnsafeBufferPointer { buffer in
            let target = buffer.baseAddress! + Int(item) * width
            var best = (similarity: -Float.infinity, other: Int32?.none)
            for other in others {
                let value = Self.dot(target, buffer.baseAddress! + Int(other) * width, width)
                if value > best.similarity { best = (value, other) }
            }
            return best
        }
    }

    /// Every item's cosine similarity to `item`, by dense index.
    public func similarities(to item: Int32) -> [Float] {
        guard width > 0 else { return [] }
        return rows.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let target = base + Int(item) * width
            return (0..<(buffer.count / width)).map { Self.dot(base + $0 * width, target, width) }
        }
    }

    /// Sixteen lanes at a time in two independent sums (a plain running sum fixes the order of
    /// additions, which keeps the compiler from vectorising it, and one vector sum waits for each
    /// multiply-add before the next), their lanes added pairwise, then the remainder. Reranking
    /// and reasons take a few hundred of these per answer (Zen 3, 64 wide, alternating: rows in
    /// cache 9.2–14.5 → 7.4–11.5 ns, rows from memory 26.2–27.2 → 21.2–23.2 ns).
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var (first, second) = (SIMD8<Float>(), SIMD8<Float>())
        var j = 0
        while j + 16 <= count {
            first += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            second += UnsafeRawPointer(a + j + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + j + 8).loadUnaligned(as: SIMD8<Float>.self)
            j += 16
        }
        if j + 8 <= count {
            first += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            j += 8
        }
        let lanes = first + second
        let four = lanes.lowHalf + lanes.highHalf
        let two = four.lowHalf + four.highHalf
        var sum = two[0] + two[1]
        while j < count {
            sum += a[j] * b[j]
            j += 1
        }
        return sum
    }
}
