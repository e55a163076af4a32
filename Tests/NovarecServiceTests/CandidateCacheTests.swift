import Foundation
import NovarecRank
import NovarecHTTP
import Synchronization
import Testing
@testable import NovarecService

/// The per-user candidate cache: keys, bounds, and answers identical to fresh scoring.
struct CandidateCacheTests {
    private func candidates(_ items: Range<Int32>) -> [Candidate] {
        items.map { Candidate(item: $0, relevance: Float(1_000 - $0)) }
    }

    private func list(_ items: Range<Int32>) -> CandidateCache.List {
        CandidateCache.List(candidates: candidates(items), history: [items.upperBound, 7])
    }

    @Test func anEntryServesOnlyItsModelVersionAndHistoryRevision() {
        let cache = CandidateCache(capacity: 10)
        let key = CandidateCache.Key(user: "u", modelVersion: "v1", revision: 3)
        cache.store(list(0..<5), for: key)
        #expect(cache.list(for: key)?.candidates == candidates(0..<5))
        #expect(cache.list(for: key)?.history == [5, 7], "the history it was scored from, as item indices")
        #expect(cache.list(for: .init(user: "u", modelVersion: "v1", revision: 4)) == nil, "a new event")
        #expect(cache.list(for: .init(user: "u", modelVersion: "v2", revision: 3)) == nil, "a new model")
        #expect(CandidateCache(capacity: 0).list(for: key) == nil)
    }

    @Test func aListForANewModelReplacesTheUsersListForTheOldOne() {
        let cache = CandidateCache(capacity: 4)
        for user in ["a", "b"] { cache.store(list(0..<3), for: .init(user: user, modelVersion: "old", revision: 1)) }
        cache.store(list(3..<6), for: .init(user: "a", modelVersion: "new", revision: 1))
        #expect(cache.users(of: "old") == ["b"])
        #expect(cache.users(of: "new") == ["a"])
        #expect(cache.list(for: .init(user: "a", modelVersion: "old", revision: 1)) == nil)
        for user in ["b", "c", "d"] { cache.store(list(3..<6), for: .init(user: user, modelVersion: "new", revision: 1)) }
        #expect(cache.users(of: "new").count == 4, "four users fit in a capacity of four across a swap")
    }

    @Test func staysWithinItsCapacityAndKeepsRecentlyUsedUsers() {
        let cache = CandidateCache(capacity: 4)
        let keys = (0..<6).map { CandidateCache.Key(user: "u\($0)", modelVersion: "v", revision: 0) }
        cache.store(list(0..<3), for: keys[0])
        cache.store(list(0..<3), for: keys[1])
        cache.store(list(0..<3), for: keys[2])
        #expect(cache.list(for: keys[0]) != nil, "promoted from the old generation")
        cache.store(list(0..<3), for: keys[3])
        cache.store(list(0..<3), for: keys[4])
        let kept = keys.filter { cache.list(for: $0) != nil }.count
        #expect(kept <= 4)
        #expect(cache.list(for: keys[4]) != nil)
    }

    @Test func aCachedListIsUsedOnlyWhileItStillHoldsTheBestPool() {
        let size = RecommendationEngine.candidatePoolSize
        let cached = RecommendationEngine.cachedPoolSize
        let full = candidates(0..<Int32(cached))
        let fewExcluded = Set((0..<Int32(cached - size)).map { $0 * 2 })
        #expect(RecommendationEngine.pool(from: full, excluding: fewExcluded)?.count == size)
        #expect(RecommendationEngine.pool(from: full, excluding: fewExcluded)?.contains { fewExcluded.contains($0.item) } == false)
        let tooMany = Set((0..<Int32(cached - size + 1)).map { $0 })
        #expect(RecommendationEngine.pool(from: full, excluding: tooMany) == nil, "the 201st best item may lie outside the cache")
        let wholeCatalogue = candidates(0..<40)
        #expect(RecommendationEngine.pool(from: wholeCatalogue, excluding: [1, 2])?.count == 38)
    }

    @Test func cachedAnswersEqualFreshOnes() throws {
        let cached = try ServiceTests.Fixture()
        let fresh = try ServiceTests.Fixture(candidateCacheUsers: 0)
        let events = ServiceTests.eventsJSON([("carol", "sku4", 1), ("carol", "sku10", 2), ("carol", "sku16", 3)])
        func lists(_ path: String) throws -> [[String]] {
            try [cached, fresh].map { fixture in
                (try fixture.request("GET", path).body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
            }
        }
        for fixture in [cached, fresh] { #expect(try fixture.request("POST", "/v1/events", json: events).status == 202) }
        let paths = [
            "/v1/recommendations?user_id=carol&k=8", "/v1/recommendations?user_id=carol&k=8",
            "/v1/recommendations?user_id=carol&k=8&exclude=sku22,sku28", "/v1/recommendations?user_id=carol&k=8&novelty=0.6&diversity=0.4"
        ]
        for path in paths {
            let answers = try lists(path)
            #expect(answers[0] == answers[1], "\(path)")
            #expect(answers[0].count == 8)
        }
        let top = try lists(paths[0])[0][0]
        for fixture in [cached, fresh] {
            #expect(try fixture.request("PUT", "/v1/items/\(top)", json: #"{"title":"Sold out","available":false}"#).status == 200)
        }
        let afterUpdate = try lists(paths[0])
        #expect(afterUpdate[0] == afterUpdate[1])
        #expect(!afterUpdate[0].contains(top), "an item marked unavailable leaves cached lists at once")
        for fixture in [cached, fresh] {
            #expect(try fixture.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("carol", afterUpdate[0][0], 4)])).status == 202)
        }
        let afterEvent = try lists(paths[0])
        #expect(afterEvent[0] == afterEvent[1])
        #expect(!afterEvent[0].contains(afterUpdate[0][0]), "a new event is seen by the next request")
    }

    /// A copy of the served model under another version, so answers can tell which model gave them.
    static func swapInCopy(_ service: RecommendationService, version: String, handover: TimeInterval) {
        let served = service.engine.model
        service.engine.swap(
            to: ServingModel(version: version, model: served.model, items: served.items, userCounts: served.userCounts, users: 60),
            handover: handover)
    }

    @Test func duringAHandoverThePreviousModelAnswersCachedUsersUntilTheyAreRescored() throws {
        let fixture = try ServiceTests.Fixture()
        for user in ["dora", "emil"] {
            #expect(try fixture.request("POST", "/v1/events", json: ServiceTests.eventsJSON([(user, "sku6", 1), (user, "sku12", 2)])).status == 202)
        }
        let version = { (user: String) in try fixture.request("GET", "/v1/recommendations?user_id=\(user)&k=5").body["model_version"] as? String }
        let before = try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").body["items"] as? [[String: Any]]
        #expect(try version("dora") == "test-1")
        Self.swapInCopy(fixture.service, version: "test-2", handover: 60)
        #expect(try version("dora") == "test-1", "a cached user is answered by the previous model during the handover")
        #expect(try version("frida") == "test-2", "a user with nothing cached is scored by the new model")
        #expect(try fixture.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("emil", "sku3", 3)])).status == 202)
        #expect(try version("emil") == "test-2", "a new event makes the next answer the new model's")

        #expect(
            !PrometheusText.render(ServiceMetrics.families(engine: fixture.service.engine, embedder: nil, coordinator: nil, http: nil)).contains(
                "novarec_handover_seconds_left 0.0"), "the handover shows on /metrics")
        let (rescored, cached) = fixture.service.engine.rescoreHandover(coreShare: 1)
        #expect(
            PrometheusText.render(ServiceMetrics.families(engine: fixture.service.engine, embedder: nil, coordinator: nil, http: nil)).contains(
                "novarec_handover_seconds_left 0.0"))
        #expect(rescored == cached && cached >= 1)
        #expect(try version("dora") == "test-2", "a re-scored user is answered by the new model")
        let after = try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").body["items"] as? [[String: Any]]
        #expect(after?.compactMap { $0["item_id"] as? String } == before?.compactMap { $0["item_id"] as? String })
    }

    @Test func aHandoverEndsAtItsDeadline() throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let fixture = try ServiceTests.Fixture(clock: { now.withLock { $0 } })
        #expect(try fixture.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("dora", "sku6", 1), ("dora", "sku12", 2)])).status == 202)
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").status == 200)
        Self.swapInCopy(fixture.service, version: "test-2", handover: 0.2)
        now.withLock { $0 += 0.199 }
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").body["model_version"] as? String == "test-1")
        #expect(abs(fixture.service.engine.handoverSecondsLeft - 0.001) < 1e-6)
        now.withLock { $0 += 0.002 }
        #expect(fixture.service.engine.handoverSecondsLeft == 0)
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").body["model_version"] as? String == "test-2")
        let late = fixture.service.engine.rescoreHandover()
        #expect(late.rescored == 0 && late.cached == 0, "nothing left to hand over")
    }

    /// A replica shutting down stops the re-scoring at its next batch (so it can wait for the
    /// thread), and the handover ends: cached users are scored afresh on their next request.
    @Test func aCancelledHandoverStopsAtItsNextBatch() throws {
        let fixture = try ServiceTests.Fixture()
        #expect(try fixture.request("POST", "/v1/events", json: ServiceTests.eventsJSON([("dora", "sku6", 1), ("dora", "sku12", 2)])).status == 202)
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").status == 200)
        Self.swapInCopy(fixture.service, version: "test-2", handover: 60)
        let cancelled = fixture.service.engine.rescoreHandover(isCancelled: { true })
        #expect(cancelled.rescored == 0 && cancelled.cached == 1)
        #expect(fixture.service.engine.handoverSecondsLeft == 0)
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=dora&k=5").body["model_version"] as? String == "test-2")
    }
}
