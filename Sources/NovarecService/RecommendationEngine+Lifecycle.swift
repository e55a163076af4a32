import Foundation
import NovarecCore
import NovarecML
import NovarecRank
import NovarecStore

/// The engine's live state over time: model swaps and their handover, events taken in from
/// this replica or another, histories loaded and reloaded from the store.
extension RecommendationEngine {
    /// Replaces the serving model; requests already running finish on the old one, which keeps
    /// answering its cached users for at most `handover` seconds (see `ServedModels`) unless
    /// `rescoreHandover` re-scores them sooner.
    public func swap(to model: ServingModel, handover: TimeInterval = 0) { models.swap(to: model, handover: handover) }

    /// Takes the events `transaction` stored (in time order; stored here or by another replica)
    /// into the live state: users' histories, popularity, and, while no trained model is loaded,
    /// the popularity fallback's catalogue, which takes newly counted items in batches of 1% of
    /// its size (at once in a shop of under 200 items), so the model lock is held for a rebuild
    /// of the catalogue only once per so many new items. Events the loaded histories already hold
    /// are left out.
    func accept(_ events: [(user: String, item: String)], transaction: UInt64) {
        let taken = histories.append(events, transaction: transaction)
        guard !taken.isEmpty else { return }
        let counted = popularity.record(items: taken)
        guard !counted.isEmpty, models.current.model == nil else { return }
        models.update { model in
            guard model.model == nil, let ids = popularity.catalogueGrowth(of: model.items, adding: counted) else { return }
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
    /// out to others, and stops at the next batch once `isCancelled` (the replica shuts down).
    /// Returns how many of how many cached users it re-scored.
    @discardableResult
    public func rescoreHandover(coreShare: Double = 0.2, isCancelled: () -> Bool = { false }) -> (rescored: Int, cached: Int) {
        let model = models.current
        guard let previous = models.handingOver, let recommender = model.model else { return (0, 0) }
        defer { models.endHandover(from: previous.version) }
        let users = candidates.users(of: previous.version)
        let deadline = models.handoverEnds
        let rest = max(1 / min(max(coreShare, 0.01), 1) - 1, 0)
        let batch = 8
        var scores = [Float](repeating: 0, count: batch * model.items.count)
        var rescored = 0
        Parallel.serially {
            while rescored < users.count, models.now() < deadline, models.current.version == model.version, !isCancelled() {
                let began = Self.threadCPUSeconds()
                let end = min(rescored + batch, users.count)
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
                let ranked = Self.rank(
                    UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]),
                    history: history, count: Self.cachedPoolSize)
                candidates.store(.init(candidates: ranked, history: history), for: .init(user: user, modelVersion: model.version, revision: revision))
            }
        }
    }

    /// `user`'s stored history for a request: from memory, or, when memory may lack it, read
    /// through the journal (`UserHistories.entry(of:reading:)`); what memory holds when that fails.
    func storedHistory(of user: String) -> UserHistories.Entry? {
        histories.entry(of: user, reading: journal.map { journal in { try journal.recentHistory(of: $0, limit: $1) } })
    }

    /// Whether planning `query` would read its user's history from the store (`storedHistory`).
    func readsStore(planning query: RecommendationQuery) -> Bool {
        guard journal != nil, query.history == nil, let user = query.user else { return false }
        return histories.needsStoreRead(for: user)
    }

    /// Rebuilds the histories from a fresh read of the store while events keep coming in (after
    /// this replica may have missed some), keeping the most recently active users within the
    /// budget as the rows stream; returns how many interactions it read.
    func reloadHistories(reading read: () throws -> StoredInteractions) throws -> Int {
        histories.beginReload()
        do {
            var collector = HistoryCollector(limit: histories.limit, maxUsers: histories.maxUsers)
            let snapshot = try read().read { collector.add($0) }
            let collected = collector.finish()
            histories.load(collected, snapshot: snapshot)
            return collected.rows
        } catch {
            histories.abandonReload()
            throw error
        }
    }
}
