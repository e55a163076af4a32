import NovarecCore
import NovarecML
import Synchronization

/// Catalogue items' text vectors in memory (unit length, one encoder's): what places items the
/// serving model has never seen — written after it was trained — in shoppers' lists
/// (`NewItemPlacement`) and finds their similar items. Filled at start-up from the `items`
/// table and by `ItemEmbedder` after every item write; empty when no text encoder is configured.
public final class ItemTextIndex: Sendable {
    /// Whether an item's text vector can be used yet.
    public enum Status: String, Sendable {
        /// Computed from the item's current text.
        case ready
        /// Queued for the encoder (an older vector, if any, is used meanwhile).
        case pending
        /// None: the item has no text, or no encoder is configured.
        case missing
    }

    private struct State {
        var rows: [String: Int] = [:]
        var ids: [String] = []
        var vectors: [Float] = []
        var pending: Set<String> = []
        /// Rows of the items a model version does not know, kept up to date as vectors arrive;
        /// for the last two versions asked about (during a handover both answer).
        var unknown: [(version: String, items: Vocabulary, rows: [Int])] = []
    }

    /// Length of the vectors (0: no encoder, the index stays empty).
    public let dimension: Int
    private let state = Mutex(State())

    public init(dimension: Int = 0) {
        self.dimension = dimension
    }

    public var count: Int { state.withLock { $0.ids.count } }
    /// Items waiting for the encoder.
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Adds or replaces `id`'s vector (normalised to unit length) and clears its pending mark.
    public func insert(_ id: String, vector: [Float]) {
        precondition(vector.count == dimension, "a vector of \(dimension) values")
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { return }
        let unit = vector.map { $0 / norm }
        state.withLock { state in
            state.pending.remove(id)
            if let row = state.rows[id] {
                state.vectors.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: unit)
                return
            }
            let row = state.ids.count
            state.rows[id] = row
            state.ids.append(id)
            state.vectors.append(contentsOf: unit)
            for entry in state.unknown.indices where state.unknown[entry].items.index(of: id) == nil { state.unknown[entry].rows.append(row) }
        }
    }

    /// Marks `ids` as waiting for the encoder.
    public func markPending(_ ids: some Sequence<String>) {
        state.withLock { $0.pending.formUnion(ids) }
    }

    public func status(of id: String) -> Status {
        state.withLock { state in
            if state.pending.contains(id) { return .pending }
            return state.rows[id] == nil ? .missing : .ready
        }
    }

    /// The text profile of `history` (ids, oldest first; `NewItemPlacement.profile`); nil when
    /// none of its latest items has a vector.
    public func profile(of history: [String]) -> [Float]? {
        state.withLock { state in
            state.vectors.withUnsafeBufferPointer { vectors in
                NewItemPlacement.profile(of: history) { id in state.rows[id].map { row(vectors, $0) } }
            }
        }
    }

    /// The item `items` (model `version`'s vocabulary) does not know whose text is closest to
    /// `profile`, among those `allowed`, if `placement` shows one.
    public func bestUnknownItem(
        for profile: [Float], version: String, items: Vocabulary, placement: NewItemPlacement, allowed: (String) -> Bool
    ) -> (itemID: String, similarity: Float)? {
        state.withLock { state in
            if !state.unknown.contains(where: { $0.version == version }) {
                state.unknown = state.unknown.suffix(1) + [(version, items, state.ids.indices.filter { items.index(of: state.ids[$0]) == nil })]
            }
            let rows = state.unknown.first { $0.version == version }!.rows
            let ids = state.ids
            return state.vectors.withUnsafeBufferPointer { vectors in
                placement.bestMatch(for: profile, among: rows, vector: { row(vectors, $0) }, accept: { allowed(ids[$0]) })
                    .map { (ids[$0.item], $0.similarity) }
            }
        }
    }

    /// The vectors in `items`' order (`items.count × dimension`, a zero row for an item without
    /// one) and how many items have one; nil without an encoder.
    public func aligned(to items: Vocabulary) -> (vectors: [Float], covered: Int)? {
        guard dimension > 0 else { return nil }
        return state.withLock { state in
            var vectors = [Float](repeating: 0, count: items.count * dimension)
            var covered = 0
            for (index, id) in items.ids.enumerated() {
                guard let row = state.rows[id] else { continue }
                covered += 1
                vectors.replaceSubrange((index * dimension)..<((index + 1) * dimension), with: state.vectors[(row * dimension)..<((row + 1) * dimension)])
            }
            return (vectors, covered)
        }
    }

    /// Of `candidates`, the one whose text is closest to `id`'s; nil when none has a vector.
    public func closest(to id: String, among candidates: some Sequence<String>) -> String? {
        state.withLock { state in
            guard let own = state.rows[id] else { return nil }
            return state.vectors.withUnsafeBufferPointer { vectors in
                let query = row(vectors, own)
                var best: (id: String, similarity: Float)?
                for candidate in candidates {
                    guard let other = state.rows[candidate].map({ row(vectors, $0) }) else { continue }
                    let similarity = NewItemPlacement.similarity(query, other)
                    if similarity > best?.similarity ?? -.infinity { best = (candidate, similarity) }
                }
                return best?.id
            }
        }
    }

    /// The `k` items whose text is closest to `id`'s (cosine, best first) among those `allowed`;
    /// nil when `id` has no vector.
    public func nearest(to id: String, k: Int, allowed: (String) -> Bool) -> [(itemID: String, similarity: Float)]? {
        state.withLock { state in
            guard let own = state.rows[id] else { return nil }
            let ids = state.ids
            return state.vectors.withUnsafeBufferPointer { vectors in
                let query = row(vectors, own)
                var best = GreatestElements<Neighbour>(capacity: k)
                for candidate in ids.indices where candidate != own && allowed(ids[candidate]) {
                    best.offer(Neighbour(similarity: NewItemPlacement.similarity(query, row(vectors, candidate)), row: candidate))
                }
                return best.ascending().reversed().map { (ids[$0.row], $0.similarity) }
            }
        }
    }

    /// A candidate of `nearest`: ordered by similarity, the earlier row first on ties.
    private struct Neighbour: Comparable {
        let similarity: Float
        let row: Int

        static func < (lhs: Neighbour, rhs: Neighbour) -> Bool {
            lhs.similarity < rhs.similarity || (lhs.similarity == rhs.similarity && lhs.row > rhs.row)
        }
    }

    private func row(_ vectors: UnsafeBufferPointer<Float>, _ row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: vectors[(row * dimension)..<((row + 1) * dimension)])
    }
}
