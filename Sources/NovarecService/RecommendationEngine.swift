import Dispatch
import Foundation
import NovarecCore
import NovarecML
import NovarecRank
import NovarecStore

/// Novarec's domain operations without any transport: `recommend`, `similar`, `ingest`. It owns
/// the serving model (swapped atomically), users' live histories, live popularity, the
/// catalogue and the candidate cache. The HTTP routes, `novarec bench score`, the offline dial
/// evaluation and the tests all call these same operations, so what is measured is what is served.
public final class RecommendationEngine: Sendable {
    /// Candidates the re-ranker chooses from.
    public static let candidatePoolSize = 200
    /// Candidates cached per user, before request filters: the margin lets `exclude` and newly
    /// unavailable items drop up to 56 of them without a fresh scoring.
    static let cachedPoolSize = 256

    let models: ServedModels
    let journal: (any EventJournal)?
    public let histories: UserHistories
    public let popularity: LivePopularity
    public let catalogue: Catalogue
    let candidates: CandidateCache
    /// What each shopper was shown: successive lists rotate (`RecommendationQuery.rotate`).
    public let impressions = ImpressionLog()
    /// Beyond-accuracy figures of the lists actually served.
    public let served = ServedListMetrics()
    /// Items' text vectors: how items the model has not seen yet reach lists and shelves.
    public let itemText: ItemTextIndex
    /// Where the best-matching item the model has not seen is shown (nil: nowhere).
    public let newItemPlacement: NewItemPlacement?
    /// Gathers the fresh scorings of concurrent `recommend(_:completion:)` calls into batches.
    let batcher = ScoringBatcher()

    /// - Parameters:
    ///   - journal: where ingested events are made durable (nil: an engine that only reads).
    ///   - candidateCacheUsers: users whose model candidates are kept between their events (0: none).
    ///   - clock: the time model handovers are measured in.
    public init(
        model: ServingModel, journal: (any EventJournal)?, catalogue: Catalogue = Catalogue(),
        histories: UserHistories = UserHistories(), candidateCacheUsers: Int = 50_000, itemText: ItemTextIndex = ItemTextIndex(),
        newItemPlacement: NewItemPlacement? = .standard, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.itemText = itemText
        self.newItemPlacement = newItemPlacement
        self.models = ServedModels(model, clock: clock)
        self.journal = journal
        self.candidates = CandidateCache(capacity: candidateCacheUsers)
        self.catalogue = catalogue
        self.histories = histories
        var initial: [String: Int] = [:]
        for (index, count) in model.userCounts.enumerated() where count > 0 { initial[model.items.id(at: Int32(index))] = count }
        self.popularity = LivePopularity(initial: initial)
    }

    /// The model requests start on now.
    public var model: ServingModel { models.current }

    /// The list for `query`: the user's history (stored, or the query's own) scored by the
    /// serving model — or live popularity for an unknown user, marked `fallback` — with seen,
    /// excluded and unavailable items (and those outside `category`) removed, re-ranked with the
    /// dials, each item with its reason.
    public func recommend(_ query: RecommendationQuery) throws(RecommendationError) -> Recommendations {
        let plan = try plan(for: query)
        return answer(plan, pool: plan.cachedPool ?? freshPool(plan))
    }

    /// `recommend(_:)` for a server, never blocking the caller (an event loop): a request that
    /// needs the model's scores joins the next scoring batch (`ScoringBatcher`) instead of
    /// scoring alone, and holds no thread while it waits; one whose user's history must first be
    /// read from the store (dropped from memory) is planned on a global queue. `completion` runs
    /// once: on this thread when nothing had to be scored or read (a cached pool, the popularity
    /// fallback, an invalid query); when it was scored and this thread is an event loop, on the
    /// event loop that scored its batch (this one or another, `EndOfTurn`); otherwise on a
    /// global queue.
    public func recommend(_ query: RecommendationQuery, completion: @escaping @Sendable (Result<Recommendations, RecommendationError>) -> Void) {
        guard readsStore(planning: query) else { return schedule(query, completion: completion) }
        DispatchQueue.global(qos: .userInitiated).async { self.schedule(query, completion: completion) }
    }

    /// Plans `query` and answers it from the cache or the fallback, or queues it for scoring.
    private func schedule(_ query: RecommendationQuery, completion: @escaping @Sendable (Result<Recommendations, RecommendationError>) -> Void) {
        let plan: Plan
        do {
            plan = try self.plan(for: query)
        } catch {
            return completion(.failure(error))
        }
        if let pool = plan.cachedPool ?? (plan.useModel ? nil : freshPool(plan)) { return completion(.success(answer(plan, pool: pool))) }
        batcher.submit(
            ScoringBatcher.Job(model: plan.model, history: plan.history) { scores in
                let pool = self.pool(plan, scores: scores)
                // On an event loop the answer is written there; a scoring thread goes back to scoring.
                guard EndOfTurn.isAvailable else {
                    return DispatchQueue.global(qos: .userInitiated).async { completion(.success(self.answer(plan, pool: pool))) }
                }
                completion(.success(self.answer(plan, pool: pool)))
            })
    }

    /// What answering a query needs besides its candidates, fixed before they are scored.
    struct Plan: Sendable {
        let query: RecommendationQuery
        let model: ServingModel
        let reranker: any Reranker
        /// The query's history, or the stored one, as item ids.
        let historyIDs: [String]
        /// The same as the model's item indices (ids it does not know left out).
        let history: [Int32]
        let useModel: Bool
        let excluded: Set<Int32>
        let cacheKey: CandidateCache.Key?
        /// The candidates from the cache, when it can answer.
        let cachedPool: [Candidate]?
    }

    private func plan(for query: RecommendationQuery) throws(RecommendationError) -> Plan {
        try Self.validate(query)
        let stored = query.history == nil ? query.user.flatMap { storedHistory(of: $0) } : nil
        let cacheable = query.category == nil ? stored.map { (user: query.user ?? "", revision: $0.revision) } : nil
        let (model, cached) = cacheable.map { cachedCandidates(user: $0.user, revision: $0.revision) } ?? (models.current, nil)
        let reranker = try model.novelty.reranker(named: query.reranker)
        let historyIDs = query.history ?? stored?.items ?? []
        let history = cached?.history ?? historyIDs.compactMap { model.items.index(of: $0) }
        let useModel = model.model != nil && !history.isEmpty
        let excluded = Set(query.exclude.compactMap { model.items.index(of: $0) }).union(catalogue.unavailable(in: model.items))
        let storesList = useModel && candidates.isEnabled
        let key = storesList ? cacheable.map { CandidateCache.Key(user: $0.user, modelVersion: model.version, revision: $0.revision) } : nil
        return Plan(
            query: query, model: model, reranker: reranker, historyIDs: historyIDs, history: history, useModel: useModel, excluded: excluded,
            cacheKey: key, cachedPool: cached.flatMap { Self.pool(from: $0.candidates, excluding: excluded) })
    }

    /// The list from the plan's candidates: rotated, re-ranked, with reasons and the new item.
    private func answer(_ plan: Plan, pool ranked: [Candidate]) -> Recommendations {
        let (query, model, history, useModel) = (plan.query, plan.model, plan.history, plan.useModel)
        let shown = query.rotate ? query.user.map { impressions.counts(for: $0) } ?? [:] : [:]
        let pool = Rotation.demote(ranked, shown: shown, items: model.items)
        // Rotation lowers relevance for the ranking; each item still reports the model's raw score.
        let rawScores = shown.isEmpty ? [:] : Dictionary(ranked.map { ($0.item, $0.relevance) }, uniquingKeysWith: { first, _ in first })
        let request = RerankRequest(k: query.k, novelty: model.novelty.scale.strength(at: query.novelty), diversity: query.diversity, history: history)
        let ranking = plan.reranker.rerank(pool, for: request, in: model.novelty.space)
        let reasons = RecommendationReason.reasons(
            for: ranking, space: model.novelty.space, items: model.items, catalogue: catalogue,
            history: history, fallback: !useModel)
        let listed = zip(ranking.items, reasons).map { ranked, reason in
            Recommendations.Item(
                itemID: model.items.id(at: ranked.item), score: rawScores[ranked.item] ?? ranked.score, relevance: ranked.relevance,
                novelty: ranked.novelty, reason: reason)
        }
        let items = useModel ? placingNewItem(in: listed, query: query, history: plan.historyIDs, model: model) : listed
        let placed = items != listed
        let novelty = placed ? items.reduce(0) { $0 + $1.novelty } / Double(items.count) : ranking.meanNovelty
        // A placed new item is unknown to the model, so a tail item.
        let isTail = { (id: String) in model.items.index(of: id).map { !model.novelty.space.isHead[Int($0)] } ?? true }
        let tail = placed ? items.lazy.filter { isTail($0.itemID) }.count : ranking.items.lazy.filter { !model.novelty.space.isHead[Int($0.item)] }.count
        served.record(items: items.map { $0.itemID }, meanNovelty: novelty, tailItems: tail, catalogueSize: model.items.count)
        return Recommendations(items: items, modelVersion: model.version, fallback: !useModel, novelty: novelty, user: query.user)
    }

    /// Range checks of a query, whatever transport built it.
    static func validate(_ query: RecommendationQuery) throws(RecommendationError) {
        guard query.user != nil || query.history != nil else { throw .invalid(field: "history", detail: "give user_id, history or both") }
        if let user = query.user, !(1...256).contains(user.count) { throw .invalid(field: "user_id", detail: "must be 1 to 256 characters") }
        guard (1...100).contains(query.k) else { throw .invalid(field: "k", detail: "must be an integer between 1 and 100") }
        guard (0...1).contains(query.novelty) else { throw .invalid(field: "novelty", detail: "must be between 0 and 1") }
        guard (0...1).contains(query.diversity) else { throw .invalid(field: "diversity", detail: "must be between 0 and 1") }
    }

    /// The model that answers `user` (at history `revision`) and its cached list: the current
    /// model's when cached; during a handover, the previous model's for a user not yet
    /// re-scored; otherwise the current model, with nothing cached.
    func cachedCandidates(user: String, revision: Int) -> (model: ServingModel, list: CandidateCache.List?) {
        let model = models.current
        if let cached = candidates.list(for: .init(user: user, modelVersion: model.version, revision: revision)) { return (model, cached) }
        guard let previous = models.handingOver,
            let cached = candidates.list(for: .init(user: user, modelVersion: previous.version, revision: revision))
        else { return (model, nil) }
        return (previous, cached)
    }

    /// The best `candidatePoolSize` of a ranked list once `excluded` items are dropped; nil when
    /// too few remain to be sure they are the best of the whole catalogue (a cached list holds
    /// only the top `cachedPoolSize`, unless the catalogue had no more to give).
    static func pool(from ranked: [Candidate], excluding excluded: Set<Int32>) -> [Candidate]? {
        let kept = firstCandidates(ranked, excluding: excluded)
        guard kept.count == candidatePoolSize || ranked.count < cachedPoolSize else { return nil }
        return kept
    }

    /// The first `candidatePoolSize` of `ranked` that are not `excluded`, in one plain loop
    /// (a lazy filter's `prefix` walked the list twice and cost ≈ 2 % of a cached answer).
    private static func firstCandidates(_ ranked: [Candidate], excluding excluded: Set<Int32>) -> [Candidate] {
        guard !excluded.isEmpty else { return Array(ranked.prefix(candidatePoolSize)) }
        var kept: [Candidate] = []
        kept.reserveCapacity(candidatePoolSize)
        for candidate in ranked where !excluded.contains(candidate.item) {
            kept.append(candidate)
            if kept.count == candidatePoolSize { break }
        }
        return kept
    }

    /// Scores the whole catalogue here (the model, or live popularity for the fallback) and
    /// takes the plan's candidates from it.
    private func freshPool(_ plan: Plan) -> [Candidate] {
        let model = plan.model
        var scores = plan.useModel ? [Float](repeating: 0, count: model.items.count) : popularity.scores(for: model.items, key: model.version)
        return scores.withUnsafeMutableBufferPointer { buffer in
            if plan.useModel, let recommender = model.model { recommender.score(history: plan.history[...], into: buffer) }
            return pool(plan, scores: buffer)
        }
    }

    /// The candidates in one user's catalogue scores: items outside the query's category
    /// dropped, seen items removed, the top ranked; the request-independent top
    /// `cachedPoolSize` goes to the cache under the plan's key. A list that is not cached ranks
    /// only the `candidatePoolSize` it uses.
    private func pool(_ plan: Plan, scores: UnsafeMutableBufferPointer<Float>) -> [Candidate] {
        if let category = plan.query.category { catalogue.restrict(scores, items: plan.model.items, to: [category]) }
        let ranking = plan.cacheKey == nil ? Self.candidatePoolSize : Self.cachedPoolSize
        let ranked = Self.rank(scores, history: plan.history, count: ranking + plan.excluded.count)
        if let cacheKey = plan.cacheKey {
            candidates.store(.init(candidates: Array(ranked.prefix(Self.cachedPoolSize)), history: plan.history), for: cacheKey)
        }
        return Self.firstCandidates(ranked, excluding: plan.excluded)
    }

    /// The best `count` items of one user's scores, the history's items removed.
    static func rank(_ scores: UnsafeMutableBufferPointer<Float>, history: [Int32], count: Int) -> [Candidate] {
        for item in history { scores[Int(item)] = -.infinity }
        return TopKSelector.select(UnsafeBufferPointer(scores), k: count).map { Candidate(item: $0, relevance: scores[Int($0)]) }
    }
}
