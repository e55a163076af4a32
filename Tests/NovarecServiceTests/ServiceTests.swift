import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import NovarecCore
import NovarecHTTP
import NovarecML
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// The service over a real listening socket and a real PostgreSQL.
struct ServiceTests {
    /// A served ItemKNN model on a checkerboard shop (even users buy even items).
    final class Fixture: Sendable {
        let service: RecommendationService
        let server: HTTPServer
        let port: Int
        let store: EventStore

        /// - Parameters:
        ///   - database: a database shared with other fixtures (nil: a fresh one of its own);
        ///   - origin: the replica origin its stored events are announced under (nil: none);
        ///   - text: an encoder embedding written items in the background, and where new items go.
        ///   - clock: the engine's time (model handovers).
        init(
            withModel: Bool = true, keys: APIKeys = APIKeys([]), candidateCacheUsers: Int = 20_000, embeddings: [Float]? = nil,
            database: String? = nil, origin: String? = nil, text: (encoder: TextEncoder, placement: NewItemPlacement?)? = nil,
            clock: @escaping @Sendable () -> Date = { Date() }
        ) throws {
            let items = Vocabulary(orderedIDs: (0..<40).map { "sku\($0)" })
            let training: [ArraySlice<Int32>] = (0..<60).map { user in
                let parity = Int32(user % 2)
                return ArraySlice((0..<6).map { step in Int32((user / 2 + step * 3) % 20) * 2 + parity })
            }
            let statistics = PopularityStatistics(itemCount: 40, trainingSequences: training)
            let model = ItemKNN(
                cooccurrence: ItemCooccurrence(itemCount: 40, trainingSequences: training), statistics: statistics,
                configuration: .init(shrink: 0, neighbourhood: 5, decay: 1))
            store = EventStore(
                database: try PostgresConnection(database ?? ThrowawayPostgres.freshDatabase()),
                announcement: origin.map { ReplicaEventFeed.announcement(origin: $0) })
            let itemText = ItemTextIndex(dimension: text?.encoder.dimension ?? 0)
            let engine = RecommendationEngine(
                model: ServingModel(
                    version: "test-1", model: withModel ? model : nil, items: items, userCounts: statistics.userCounts, users: 60,
                    embeddings: embeddings),
                journal: store, candidateCacheUsers: candidateCacheUsers, itemText: itemText, newItemPlacement: text?.placement, clock: clock)
            let itemStore = ItemStore(database: store.database)
            let embedder = text.map { ItemEmbedder(encoder: $0.encoder, index: itemText, store: itemStore, log: { _ in }) }
            embedder?.start()
            service = RecommendationService(engine: engine, itemStore: itemStore, keys: keys, embedder: embedder)
            var router = Router()
            let metrics = ServerMetrics()
            service.routes(&router, httpMetrics: metrics)
            server = HTTPServer(
                configuration: .init(host: "127.0.0.1", port: 0), router: router,
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, metrics: metrics)
            port = try server.start().port
        }

        deinit {
            server.shutdown()
            service.embedder?.stop()
        }

        func text(_ path: String) throws -> String {
            try String(contentsOf: URL(string: "http://127.0.0.1:\(port)\(path)")!, encoding: .utf8)
        }

        func request(_ method: String, _ path: String, json: String? = nil, bearer: String? = nil) throws -> (status: Int, body: [String: Any]) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
            if let json {
                request.httpBody = Data(json.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            return try HTTPClient.send(request)
        }
    }

    /// A batch of views, each dated `time` seconds into the minute `day` (by default on
    /// 2026-11-29; `today` dates them just after now: after any erasure a test made).
    static func eventsJSON(_ events: [(user: String, item: String, time: Int)], ids: [UUID]? = nil, day: String = "2026-11-29T10:00") -> String {
        let list = events.enumerated().map { index, event in
            let id = ids?[index] ?? UUID()
            return
                #"{"event_id":"\#(id.uuidString)","user_id":"\#(event.user)","item_id":"\#(event.item)","type":"view","timestamp":"\#(day):\#(String(format: "%02d", event.time))Z"}"#
        }
        return #"{"events":[\#(list.joined(separator: ","))]}"#
    }

    /// The minute after now's (UTC), for `eventsJSON(day:)`: its events lie up to two minutes
    /// ahead of now, well within what the server accepts.
    static var today: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: Date().addingTimeInterval(60))
    }

    @Test func eventsAreDurableIdempotentAndChangeTheNextRecommendation() throws {
        let fixture = try Fixture()
        let before = try fixture.request("GET", "/v1/recommendations?user_id=alice&k=5")
        #expect(before.status == 200)
        #expect(before.body["fallback"] as? Bool == true)

        let ids = [UUID(), UUID(), UUID()]
        let batch = Self.eventsJSON([("alice", "sku2", 1), ("alice", "sku8", 2), ("alice", "sku14", 3)], ids: ids)
        let first = try fixture.request("POST", "/v1/events", json: batch)
        #expect(first.status == 202)
        #expect(first.body["stored"] as? Int == 3)
        let replay = try fixture.request("POST", "/v1/events", json: batch)
        #expect(replay.body["stored"] as? Int == 0 && replay.body["duplicates"] as? Int == 3)
        #expect(try fixture.store.count() == 3)

        let after = try fixture.request("GET", "/v1/recommendations?user_id=alice&k=5")
        #expect(after.body["fallback"] as? Bool == false)
        let items = (after.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(items.count == 5)
        #expect(!items.contains("sku2") && !items.contains("sku8"), "seen items are excluded")
        #expect(items.allSatisfy { Int($0.dropFirst(3))! % 2 == 0 }, "alice's even history gets even items: \(items)")
    }

    /// The offline dial sweep asks the engine with the history as an anonymous session; the
    /// route answers the stored user: both must give the same list at every dial.
    @Test(arguments: [0.0, 0.5, 1.0])
    func theServedListEqualsTheOfflineEngineList(novelty: Double) throws {
        let fixture = try Fixture(embeddings: (0..<40).flatMap { [Float($0 % 2), Float($0) / 40] })
        let history = [("bob", "sku3", 1), ("bob", "sku9", 2), ("bob", "sku15", 3)]
        #expect(try fixture.request("POST", "/events", json: Self.eventsJSON(history)).status == 202)
        let served = try fixture.request("GET", "/recommend?user_id=bob&k=10&novelty=\(novelty)")
        let servedItems = (served.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        let offline = try fixture.service.engine.recommend(RecommendationQuery(history: history.map(\.1), k: 10, novelty: novelty))
        #expect(servedItems == offline.items.map(\.itemID))
        #expect(abs((served.body["novelty"] as? Double ?? -1) - offline.novelty) < 1e-9)
    }

    /// Five successive lists, each posted back as impressions, rotate through at least twice the
    /// items of five lists without impressions (which repeat one list); impressions never enter
    /// the history.
    @Test func impressionsRotateSuccessiveLists() throws {
        let fixture = try Fixture()
        let history = [("carol", "sku2", 1), ("carol", "sku8", 2), ("carol", "sku14", 3)]
        #expect(try fixture.request("POST", "/v1/events", json: Self.eventsJSON(history)).status == 202)
        func lists(postingImpressions: Bool, user: String) throws -> Set<String> {
            var seen = Set<String>()
            for call in 0..<5 {
                let answer = try fixture.request("GET", "/v1/recommendations?user_id=\(user)&k=4&novelty=0.5")
                let items = (answer.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
                #expect(items.count == 4)
                seen.formUnion(items)
                guard postingImpressions else { continue }
                let shown = items.enumerated().map { index, item in
                    #"{"event_id":"\#(UUID().uuidString)","user_id":"\#(user)","item_id":"\#(item)","type":"impression","timestamp":"2026-11-29T11:0\#(call):0\#(index)Z"}"#
                }
                #expect(try fixture.request("POST", "/v1/events", json: #"{"events":[\#(shown.joined(separator: ","))]}"#).status == 202)
            }
            return seen
        }
        let repeated = try lists(postingImpressions: false, user: "carol")
        let rotated = try lists(postingImpressions: true, user: "carol")
        #expect(repeated.count == 4)
        #expect(rotated.count >= 2 * repeated.count, "\(rotated)")
        #expect(fixture.service.engine.histories.history(of: "carol") == history.map(\.1), "impressions are not interactions")
        let unrotated = try fixture.request("GET", "/v1/recommendations?user_id=carol&k=4&novelty=0.5&rotate=false")
        #expect(Set((unrotated.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }) == repeated)
        // A shown item still reports the model's raw score: rotation only moves it down.
        let scores = { (query: String) in
            try (fixture.request("GET", "/v1/recommendations?user_id=carol&k=100\(query)").body["items"] as? [[String: Any]] ?? [])
                .reduce(into: [String: Double]()) { $0[$1["item_id"] as? String ?? ""] = $1["score"] as? Double }
        }
        let (raw, demoted) = (try scores("&rotate=false"), try scores(""))
        #expect(!repeated.isEmpty && repeated.allSatisfy { raw[$0] != nil && raw[$0] == demoted[$0] }, "\(raw) \(demoted)")
    }

    @Test func aBadEventRejectsTheBatchWithPerEventErrors() throws {
        let fixture = try Fixture()
        let json =
            #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"view"},{"event_id":"nope","user_id":"u","item_id":"sku1","type":"view"},{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"rating"}]}"#
        let answer = try fixture.request("POST", "/v1/events", json: json)
        #expect(answer.status == 422)
        let errors = answer.body["errors"] as? [[String: Any]] ?? []
        #expect(errors.map { $0["index"] as? Int } == [1, 2])
        #expect(errors.map { $0["field"] as? String } == ["event_id", "value"])
        #expect(try fixture.store.count() == 0)
        #expect(try fixture.request("POST", "/v1/events", json: "not json").status == 400)
        let boolean = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"rating","value":true}]}"#
        let refused = try fixture.request("POST", "/v1/events", json: boolean)
        #expect(refused.status == 422, "a JSON boolean is no rating")
        #expect((refused.body["errors"] as? [[String: Any]])?.first?["field"] as? String == "value")
        let rating = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"rating","value":1}]}"#
        #expect(try fixture.request("POST", "/v1/events", json: rating).status == 202, "the number 1 is a rating")
    }

    /// A timestamp that is no RFC 3339 date-time, or one no event can have (before 1970, years
    /// ahead, past what the database stores), is the client's mistake: 422 naming the field.
    @Test func badTimestampsAreRefusedWith422() throws {
        let fixture = try Fixture()
        let bad = ["2026-02-30T00:00:00Z", "2026-11-29T12:00:00Z junk", "300000-01-01T00:00:00Z", "1960-01-01T00:00:00Z", "2999-01-01T00:00:00Z"]
        for timestamp in bad {
            let json = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"u","item_id":"sku1","type":"view","timestamp":"\#(timestamp)"}]}"#
            let answer = try fixture.request("POST", "/v1/events", json: json)
            #expect(answer.status == 422, "\(timestamp)")
            #expect((answer.body["errors"] as? [[String: Any]])?.first?["field"] as? String == "timestamp", "\(timestamp)")
        }
        #expect(try fixture.store.count() == 0)
    }

    @Test func recommendationParametersAreValidated() throws {
        let fixture = try Fixture()
        for query in ["", "?user_id=a&k=0", "?user_id=a&k=x", "?user_id=a&novelty=2", "?user_id=a&diversity=-1", "?user_id=a&reranker=nope"] {
            let answer = try fixture.request("GET", "/v1/recommendations\(query)")
            #expect(answer.status == 400, "\(query)")
            #expect((answer.body["detail"] as? String)?.isEmpty == false)
        }
    }

    /// A parameter that takes one value may be given once (a proxy and this server could read
    /// different ones); `exclude` takes a list, repeated or comma-separated, and every id in it counts.
    @Test func repeatedParametersAreRefusedOrMerged() throws {
        let fixture = try Fixture()
        for (query, field) in [("user_id=a&k=5&k=6", "k"), ("user_id=a&user_id=b", "user_id"), ("user_id=a&category=x&category=y", "category")] {
            let answer = try fixture.request("GET", "/v1/recommendations?\(query)")
            #expect(answer.status == 400 && answer.body["field"] as? String == field, "\(query)")
        }
        let items = { (query: String) in
            try (fixture.request("GET", "/v1/recommendations?user_id=ann&k=5&rotate=false\(query)").body["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["item_id"] as? String }
        }
        let first = try items("")
        let excluded = try items("&exclude=\(first[0])&exclude=\(first[1]),\(first[2])")
        #expect(first.count == 5 && excluded.count == 5)
        #expect(Set(excluded).isDisjoint(with: first[0...2]), "every repeated and listed exclusion holds")
        let empty = try fixture.request("GET", "/v1/recommendations?user_id=ann&exclude=a,,b")
        #expect(empty.status == 422 && empty.body["field"] as? String == "exclude[1]")
    }

    /// Text limits count Unicode code points, as the contract's JSON Schema does: one character
    /// built of thousands of combining marks is thousands long.
    @Test func textLimitsCountCodePoints() throws {
        let fixture = try Fixture()
        let stacked = "a" + String(repeating: "\u{301}", count: 1_000)
        let title = try fixture.request("PUT", "/v1/items/zalgo", json: #"{"title":"\#(stacked)"}"#)
        #expect(title.status == 400 && title.body["field"] as? String == "title")
        let category = try fixture.request("PUT", "/v1/items/zalgo", json: #"{"title":"t","categories":["\#(stacked)"]}"#)
        #expect(category.status == 422 && category.body["field"] as? String == "categories[0]")
        let longest = String(String.UnicodeScalarView(stacked.unicodeScalars.dropLast()))
        #expect(try fixture.request("PUT", "/v1/items/zalgo", json: #"{"title":"\#(longest)"}"#).status == 200, "1,000 code points")
    }

    @Test func noveltyDialRaisesMeanNoveltyAndExclusionsHold() throws {
        let fixture = try Fixture()
        _ = try fixture.request("POST", "/v1/events", json: Self.eventsJSON([("bob", "sku3", 1), ("bob", "sku9", 2)]))
        var previous = -1.0
        for dial in [0.0, 0.3, 0.7, 1.0] {
            let answer = try fixture.request("GET", "/v1/recommendations?user_id=bob&k=5&novelty=\(dial)&exclude=sku15")
            let mean = answer.body["novelty"] as? Double ?? -2
            #expect(mean >= previous - 1e-9, "dial \(dial)")
            previous = mean
            let items = (answer.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
            #expect(!items.contains("sku15"))
        }
    }

    @Test func readinessReportsAMissingModel() throws {
        let served = try Fixture()
        #expect(try served.request("GET", "/readyz").status == 200)
        let fallbackOnly = try Fixture(withModel: false)
        let answer = try fallbackOnly.request("GET", "/readyz")
        #expect(answer.status == 503)
        #expect((answer.body["detail"] as? String)?.contains("no trained model") == true)
    }

    @Test func fallbackFollowsLivePopularity() throws {
        let fixture = try Fixture(withModel: false)
        let events = (0..<4).map { (user: "shopper\($0)", item: "sku39", time: $0) }
        #expect(try fixture.request("POST", "/v1/events", json: Self.eventsJSON(events)).status == 202)
        let answer = try fixture.request("GET", "/v1/recommendations?user_id=newcomer&k=3")
        #expect(answer.body["fallback"] as? Bool == true)
        let first = (answer.body["items"] as? [[String: Any]])?.first?["item_id"] as? String
        #expect(first == "sku39", "the item everyone just viewed leads the fallback list")
        let newItem = (0..<30).map { (user: "shopper\($0)", item: "brand-new", time: 10 + $0) }
        #expect(try fixture.request("POST", "/v1/events", json: Self.eventsJSON(newItem)).status == 202)
        let after = try fixture.request("GET", "/v1/recommendations?user_id=newcomer&k=3")
        #expect(
            (after.body["items"] as? [[String: Any]])?.first?["item_id"] as? String == "brand-new",
            "without a trained model, items first seen in events join the fallback at once")
    }

    @Test func anonymousSessionsSendTheirHistory() throws {
        let fixture = try Fixture()
        let answer = try fixture.request("POST", "/v1/recommendations", json: #"{"history":["sku3","sku9","sku15"],"k":4,"exclude":["sku21"]}"#)
        #expect(answer.status == 200)
        #expect(answer.body["fallback"] as? Bool == false)
        let items = (answer.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(items.count == 4 && !items.contains("sku21") && !items.contains("sku3"))
        #expect(items.allSatisfy { Int($0.dropFirst(3))! % 2 == 1 }, "an odd history gets odd items: \(items)")
        #expect(try fixture.request("POST", "/v1/recommendations", json: #"{"k":4}"#).status == 400)
        #expect(try fixture.request("POST", "/v1/recommendations", json: #"{"history":[],"k":500}"#).status == 400)
        #expect(try fixture.request("POST", "/v1/recommendations", json: "[1,2]").status == 400)
    }

    @Test func metricsExposeServiceAndHTTPFigures() throws {
        let fixture = try Fixture()
        _ = try fixture.request("GET", "/v1/recommendations?user_id=x")
        let text = try fixture.text("/metrics")
        #expect(text.contains(#"novarec_model_info{version="test-1",kind="itemknn"} 1"#))
        #expect(text.contains("novarec_catalogue_items 40"))
        #expect(text.contains("/v1/recommendations"), "per-route HTTP counters: \(text.prefix(400))")
    }

    @Test func writesNeedAValidKeyWhenKeysAreConfigured() throws {
        let fixture = try Fixture(keys: APIKeys(["s3cret-key", "other"]))
        let batch = Self.eventsJSON([("u", "sku1", 1)])
        #expect(try fixture.request("POST", "/v1/events", json: batch).status == 401)
        #expect(try fixture.request("POST", "/v1/events", json: batch, bearer: "s3cret-kez").status == 401)
        #expect(try fixture.store.count() == 0)
        #expect(try fixture.request("POST", "/v1/events", json: batch, bearer: "s3cret-key").status == 202)
        #expect(try fixture.request("GET", "/v1/recommendations?user_id=u").status == 200, "reads stay open")
        #expect(APIKeys.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!APIKeys.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
    }

    @Test func itemsAreStoredAndFilterRecommendations() throws {
        let fixture = try Fixture()
        let put = try fixture.request("PUT", "/v1/items/sku20", json: #"{"title":"Red kettle","categories":["kitchen"]}"#)
        #expect(put.status == 200)
        #expect(try fixture.request("GET", "/v1/items/sku20").body["title"] as? String == "Red kettle")
        #expect(try fixture.request("GET", "/v1/items/nope").status == 404)
        #expect(try fixture.request("PUT", "/v1/items/sku20", json: #"{"categories":["x"]}"#).status == 400, "title is required")
        let batch = #"{"items":[{"item_id":"sku26","title":"Gone","available":false},{"item_id":"sku32","title":"Mug","categories":["kitchen"]}]}"#
        #expect(try fixture.request("POST", "/v1/items", json: batch).body["stored"] as? Int == 2)
        let repeated = #"{"items":[{"item_id":"sku33","title":"a"},{"item_id":"sku33","title":"b"}]}"#
        #expect(try fixture.request("POST", "/v1/items", json: repeated).body["stored"] as? Int == 1, "a repeated id is one row")
        #expect(try fixture.request("GET", "/v1/items/sku33").body["title"] as? String == "b", "the last one wins")

        let history = #"{"history":["sku2","sku8","sku14"],"k":10}"#
        let all = (try fixture.request("POST", "/v1/recommendations", json: history).body["items"] as? [[String: Any]] ?? [])
            .compactMap { $0["item_id"] as? String }
        #expect(!all.contains("sku26"), "unavailable items are never returned")
        let kitchen =
            (try fixture.request("POST", "/v1/recommendations", json: #"{"history":["sku2","sku8","sku14"],"k":10,"category":"kitchen"}"#)
            .body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(Set(kitchen) == ["sku20", "sku32"])
    }

    /// Found by schemathesis: NUL characters reached PostgreSQL (500), and a batch repeating an
    /// item id failed the upsert (500).
    @Test func nulCharactersAndRepeatedIDsAreHandled() throws {
        let fixture = try Fixture()
        let nulEvent = #"{"events":[{"event_id":"\#(UUID().uuidString)","user_id":"a\u0000b","item_id":"sku1","type":"view"}]}"#
        #expect(try fixture.request("POST", "/v1/events", json: nulEvent).status == 422)
        #expect(try fixture.request("PUT", "/v1/items/sku1", json: #"{"title":"x\u0000"}"#).status == 400)
        let repeated = #"{"items":[{"item_id":"sku5","title":"first"},{"item_id":"sku5","title":"second"}]}"#
        #expect(try fixture.request("POST", "/v1/items", json: repeated).status == 200)
        #expect(try fixture.request("GET", "/v1/items/sku5").body["title"] as? String == "second")
    }
}
