import Foundation
import NovarecCore
import NovarecHTTP
import NovarecML
import NovarecRank
import NovarecStore
import Synchronization

/// The recommendation service: the serving model (swapped atomically), users' live histories and
/// the durable event store, exposed as HTTP routes.
public final class RecommendationService: Sendable {
    private let models: ServedModels
    private let store: EventStore
    private let itemStore: ItemStore
    public let histories: UserHistories
    public let popularity: LivePopularity
    public let catalogue: Catalogue
    let keys: APIKeys
    let candidates: CandidateCache
    /// Beyond-accuracy figures of the lists actually served.
    public let served = ServedListMetrics()

    /// - Parameters:
    ///   - candidateCacheUsers: users whose model candidates are kept between their events (0: none).
    public init(model: ServingModel, store: EventStore, catalogue: Catalogue = Catalogue(), histories: UserHistories = UserHistories(),
                keys: APIKeys = APIKeys([]), candidateCacheUsers: Int = 50_000) {
        self.models = ServedModels(model)
        self.keys = keys
        self.candidates = CandidateCache(capacity: candidateCacheUsers)
        self.itemStore = ItemStore(connection: store.connection)
        self.catalogue = catalogue
        self.store = store
        self.histories = histories
        var initial: [String: Int] = [:]
        for (index, count) in model.userCounts.enumerated() where count > 0 { initial[model.items.id(at: Int32(index))] = count }
        self.popularity = LivePopularity(initial: initial)
    }

    /// The model requests start on now.
    public var model: ServingModel { models.current }

    /// Replaces the serving model; requests already running finish on the old one, which keeps
    /// answering its cached users for at most `handover` seconds (see `ServedModels`) unless
    /// `rescoreHandover` re-scores them sooner.
    public func swap(to model: ServingModel, handover: TimeInterval = 0) { models.swap(to: model, handover: handover) }

    /// The model that answers `user` (at history `revision`) and its cached candidates: the
    /// current model's when cached; during a handover, the previous model's for a user not yet
    /// re-scored; otherwise the current model, with nothing cached.
    func cachedCandidates(user: String, revision: Int) -> (model: ServingModel, candidates: [NoveltyReranker.Candidate]?) {
        let model = models.current
        if let cached = candidates.candidates(for: .init(user: user, modelVersion: model.version, revision: revision)) { return (model, cached) }
        guard let previous = models.handingOver,
              let cached = candidates.candidates(for: .init(user: user, modelVersion: previous.version, revision: revision)) else { return (model, nil) }
        return (previous, cached)
    }

    /// Takes the events `transaction` stored (in time order; stored here or by another replica)
    /// into the live state: users' histories, popularity, and, while no trained model is loaded,
    /// the popularity fallback's catalogue (so items first seen in events can be recommended at
    /// once). Events the loaded histories already hold are left out.
    func accept(_ events: [(user: String, item: String)], transaction: UInt64) {
        guard histories.append(events, transaction: transaction) else { return }
        popularity.record(items: events.map(\.item))
        models.update { model in
            guard model.model == nil, events.contains(where: { model.items.index(of: $0.item) == nil }) else { return }
            let ids = model.items.ids + Array(Set(events.map(\.item).filter { model.items.index(of: $0) == nil })).sorted()
            let items = Vocabulary(orderedIDs: ids)
            let version = "popularity-\(ids.count)"
            let counts = popularity.scores(for: items, key: version).map { Int($0) }
            model = ServingModel(version: version, model: nil, items: items, userCounts: counts, users: max(histories.userCount, 1))
        }
    }

    /// Re-scores, for the current model, the cached users of the model handed over by the last
    /// swap (the newer cache generation first), then ends the handover; stops early when the
    /// handover time runs out (the users left are scored on their next request) or another swap
    /// comes (which opens its own handover). It scores
    /// batches of 8 users and rests after each for its CPU time times `(1 / coreShare − 1)`,
    /// so it takes about `coreShare` of one core (a fifth by default) however loaded the machine is, at normal
    /// priority (a lower one starves under load). Runs on the caller's thread, without fanning
    /// out to others. Returns how many of how many cached users it re-scored.
    @discardableResult
    public func rescoreHandover(coreShare: Double = 0.2) -> (rescored: Int, cached: Int) {
        let model = models.current
        guard let previous = models.handingOver, let recommender = model.model else { return (0, 0) }
        defer { models.endHandover(from: previous.version) }
        let users = candidates.users(of: previous.version), deadline = models.handoverEnds
        let rest = max(1 / min(max(coreShare, 0.01), 1) - 1, 0)
        let batch = 8
        var scores = [Float](repeating: 0, count: batch * model.items.count)
        var rescored = 0
        Parallel.serially {
            while rescored < users.count, Date() < deadline, models.current.version == model.version {
                let began = Self.threadCPUSeconds(), end = min(rescored + batch, users.count)
                rescore(users[rescored..<end], for: model, recommender: recommender, scores: &scores)
                rescored = end
                Thread.sleep(forTimeInterval: (Self.threadCPUSeconds() - began) * rest)
            }
        }
        return (rescored, users.count)
    }

    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func rescore(_ users: ArraySlice<String>, for model: ServingModel, recommender: any Recommender, scores: inout [Float]) {
        let width = model.items.count
        let group = users.compactMap { user in histories.entry(of: user).map { (user, $0.revision, $0.items.compactMap { model.items.index(of: $0) }) } }
            .filter { !$0.2.isEmpty }
        scores.withUnsafeMutableBufferPointer { buffer in
            recommender.score(histories: group.map { $0.2[...] }, into: buffer)
            for (row, (user, revision, history)) in group.enumerated() {
                let ranked = RecommendationEndpoint.rank(UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]),
                                                         history: history, count: RecommendationEndpoint.cachedPoolSize)
                candidates.store(ranked, for: .init(user: user, modelVersion: model.version, revision: revision))
            }
        }
    }

    /// Rebuilds every user's history from the stored interactions (at start-up, and in a reload).
    func loadHistories(from stored: StoredInteractions) {
        var byUser: [String: [String]] = [:]
        for interaction in stored.rows { byUser[interaction.user, default: []].append(interaction.item) }
        histories.load(byUser, snapshot: stored.snapshot)
    }

    /// Rebuilds every user's history from a fresh read of the store while events keep coming
    /// in (after this replica may have missed some); returns how many interactions it read.
    func reloadHistories(reading read: () throws -> StoredInteractions) throws -> Int {
        histories.beginReload()
        do {
            let stored = try read()
            loadHistories(from: stored)
            return stored.rows.count
        } catch {
            histories.abandonReload()
            throw error
        }
    }

    /// The service's routes on top of `router` (which may already hold other routes), with the
    /// model lifecycle's when a coordinator is given; `/metrics`
    /// adds the HTTP server's counters when `httpMetrics` is given.
    public func routes(_ router: inout Router, httpMetrics: ServerMetrics? = nil, coordinator: ModelCoordinator? = nil) {
        coordinator?.routes(&router, service: self)
        let recommendations = RecommendationEndpoint(), events = EventsEndpoint(), items = ItemsEndpoint()
        router.get("/v1/recommendations") { [self] request in try recommendations.respondToGet(request, service: self) }
        router.post("/v1/recommendations") { [self] request in try recommendations.respondToPost(request, service: self) }
        router.put("/v1/items/{item_id}") { [self] request in
            try keys.authorize(request)
            return try items.put(request, store: itemStore, catalogue: catalogue)
        }
        router.post("/v1/items") { [self] request in
            try keys.authorize(request)
            return try items.post(request, store: itemStore, catalogue: catalogue)
        }
        router.get("/v1/items/{item_id}") { [self] request in try items.get(request, catalogue: catalogue) }
        let similar = SimilarItemsEndpoint()
        router.get("/v1/items/{item_id}/similar") { [self] request in try similar.respond(request, service: self) }
        router.post("/v1/events") { [self] request in
            try keys.authorize(request)
            return try events.respond(request, store: store, service: self)
        }
        router.get("/readyz") { [self] _ in try readiness() }
        router.get("/metrics") { [self] _ in
            var response = HTTPResponse.text(prometheusText() + (coordinator?.prometheusText() ?? "") + (httpMetrics?.prometheusText() ?? ""))
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
    }

    /// Service gauges in Prometheus text format.
    public func prometheusText() -> String {
        let model = model
        let kind = model.model?.name ?? "popularity"
        return """
            # HELP novarec_model_info The serving model (value 1).
            # TYPE novarec_model_info gauge
            novarec_model_info{version="\(model.version)",kind="\(kind)"} 1
            # HELP novarec_catalogue_items Items the serving model scores.
            # TYPE novarec_catalogue_items gauge
            novarec_catalogue_items \(model.items.count)
            # HELP novarec_known_users Users with an in-memory history.
            # TYPE novarec_known_users gauge
            novarec_known_users \(histories.userCount)
            # HELP novarec_handover_seconds_left Seconds the previous model may still answer cached users not yet re-scored (0: no handover).
            # TYPE novarec_handover_seconds_left gauge
            novarec_handover_seconds_left \(String(format: "%.1f", max(models.handoverEnds.timeIntervalSinceNow, 0)))

            """ + served.prometheusText()
    }

    private func readiness() throws -> HTTPResponse {
        var problems: [String] = []
        if (try? store.connection.query("SELECT 1")) == nil { problems.append("database unreachable") }
        if model.model == nil { problems.append("no trained model loaded (serving popularity)") }
        guard problems.isEmpty else {
            throw ProblemDetails(status: HTTPStatus(503), title: "Not ready", detail: problems.joined(separator: "; "), extensions: ["reasons": problems])
        }
        return try .json(["status": "ready"])
    }
}
