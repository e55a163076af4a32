import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import NovarecApp
import NovarecCore
import NovarecHTTP
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// The model lifecycle against a real PostgreSQL: triggers, the validation gate, rollback, and
/// several replicas on one database (each a service with its own connections and coordinator).
struct ModelCoordinatorTests {
    /// One replica: the whole application (as `novarec serve` builds it) on the shared database,
    /// listening on a free port.
    final class Replica: Sendable {
        let application: Application
        let port: Int

        init(database: String, name: String, policy: TrainingPolicy, checkpointDirectory: URL? = nil) throws {
            var configuration = ApplicationConfiguration(database: database, server: .init(host: "127.0.0.1", port: 0), replicaName: name)
            configuration.training = policy
            configuration.sharedCheckpointDirectory = checkpointDirectory
            application = try Application(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            port = try application.start().port
        }

        deinit { application.stop() }

        var service: RecommendationService { application.service }
        var coordinator: ModelCoordinator { application.coordinator }

        func request(_ method: String, _ path: String, json: String? = nil) throws -> (status: Int, body: [String: Any]) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            request.httpBody = json.map { Data($0.utf8) }
            if json != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            return try HTTPClient.send(request)
        }

        var role: String { coordinator.status.role.rawValue }
        var servedVersion: String { service.engine.model.version }
    }

    static func policy(newEvents: Int = 0) -> TrainingPolicy {
        var policy = TrainingPolicy()
        policy.newEvents = newEvents
        policy.pollInterval = 0.3
        policy.options.epochs = 40
        return policy
    }

    /// A generated shop's interactions stored as events (ids sku0…).
    static func storeShop(_ database: String, users: Int = 200, seed: UInt64 = 42) throws -> Dataset {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = users
        configuration.items = 40
        configuration.seed = seed
        let shop = SyntheticShopGenerator(configuration: configuration).generate()
        let events = shop.sequences.enumerated().flatMap { user, sequence in
            sequence.enumerated().map { position, item in
                BehaviourEvent(
                    eventID: UUID(), userID: "s\(seed)-" + shop.users.id(at: Int32(user)), itemID: "sku\(item)", kind: .view,
                    timestamp: Date(timeIntervalSince1970: 1_700_000_000 + Double(position)))
            }
        }
        _ = try EventStore(database: PostgresConnection(database)).bulkInsert(events)
        return shop
    }

    /// Starts a run on `replica` and waits for its outcome in the registry.
    static func train(_ replica: Replica, _ body: String) throws -> [String: Any] {
        let before = (try replica.request("GET", "/v1/model").body["latest_run"] as? [String: Any])?["version"] as? String
        #expect(eventually(timeout: 10) { replica.role == "trainer" })
        #expect(try replica.request("POST", "/v1/admin/train", json: body).status == 202)
        var latest: [String: Any] = [:]
        _ = try eventually(timeout: 120) {
            latest = try replica.request("GET", "/v1/model").body["latest_run"] as? [String: Any] ?? [:]
            return latest["version"] as? String != before && ["accepted", "rejected", "failed"].contains(latest["state"] as? String ?? "")
        }
        if latest["state"] as? String == "accepted" {
            #expect(eventually(timeout: 30) { replica.servedVersion == latest["version"] as? String }, "the trainer serves what it accepted")
        }
        return latest
    }

    @Test func anAdminRunIsJudgedRecordedAndServed() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        _ = try Self.storeShop(database)
        let replica = try Replica(database: database, name: "a", policy: Self.policy())
        let run = try Self.train(replica, #"{"epochs":40}"#)
        #expect(run["state"] as? String == "accepted", "\(run["reason"] ?? "") \(run["candidate_metrics"] ?? "") \(run["serving_metrics"] ?? "")")
        #expect((run["candidate_metrics"] as? [String: Double])?["ndcg10"] ?? 0 > 0)
        #expect((run["serving_metrics"] as? [String: Double])?["coverage10"] != nil, "judged against popularity")
        #expect((run["sha256"] as? String)?.count == 64)
        let model = try replica.request("GET", "/v1/model").body
        #expect(model["kind"] as? String == "sasrec")
        #expect(model["version"] as? String == run["version"] as? String)
        #expect((model["serving"] as? [String: Any])?["state"] as? String == "accepted")
    }

    @Test func aWorseCandidateIsRejectedAndRollbackReturnsToThePreviousModel() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        _ = try Self.storeShop(database)
        let replica = try Replica(database: database, name: "a", policy: Self.policy())
        let first = try Self.train(replica, #"{"epochs":40}"#)
        #expect(first["state"] as? String == "accepted")
        let worse = try Self.train(replica, #"{"epochs":0,"full":true}"#)
        #expect(worse["state"] as? String == "rejected", "an untrained model never replaces a trained one")
        // Untrained, the Transformer adds nothing to its neighbour evidence: the gate names the figure that fell.
        let reason = worse["reason"] as? String ?? ""
        #expect(["NDCG@10", "Novelty@10"].contains { reason.contains("\($0) ") } && reason.contains("below the serving model's"), "\(reason)")
        #expect(replica.servedVersion == first["version"] as? String)
        #expect(try replica.request("POST", "/v1/admin/rollback").status == 409, "nothing before the first model")

        let second = try Self.train(replica, #"{"epochs":40}"#)
        #expect(second["state"] as? String == "accepted", "\(second)")
        #expect((second["reason"] as? String)?.contains("warm start") == true)
        #expect(replica.servedVersion == second["version"] as? String)
        let rolledBack = try replica.request("POST", "/v1/admin/rollback", json: #"{"reason":"test"}"#)
        #expect(rolledBack.status == 200)
        #expect(rolledBack.body["version"] as? String == first["version"] as? String)
        #expect(eventually(timeout: 30) { replica.servedVersion == first["version"] as? String })
    }

    @Test func newEventsTriggerARun() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let replica = try Replica(database: database, name: "a", policy: Self.policy(newEvents: 500))
        #expect(eventually(timeout: 10) { replica.role == "trainer" })
        let shop = try Self.storeShop(database)
        #expect(shop.interactionCount >= 500)
        #expect(eventually(timeout: 120) { replica.service.engine.model.model != nil }, "a run started by itself and was accepted")
        #expect(try ModelRegistry(database: PostgresConnection(database)).current()?.trigger == "events")
    }

    @Test func checkpointsCanTravelThroughASharedDirectory() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        _ = try Self.storeShop(database)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let trainer = try Replica(database: database, name: "a", policy: Self.policy(), checkpointDirectory: directory)
        #expect(eventually(timeout: 10) { trainer.role == "trainer" })
        let follower = try Replica(database: database, name: "b", policy: Self.policy(), checkpointDirectory: directory)
        let run = try Self.train(trainer, #"{"epochs":40}"#)
        let version = try #require(run["version"] as? String)
        #expect(run["checkpoint_path"] as? String == directory.appendingPathComponent("\(version).safetensors").path)
        #expect(eventually(timeout: 10) { follower.servedVersion == version }, "the follower loads it from the shared file")
        #expect(try ModelRegistry(database: PostgresConnection(database)).recent(limit: 1).first?.checkpointPath != nil)
    }

    @Test func aRequestToAFollowerWithNoTrainerAnywhereIsRefused() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let otherTrainer = try PostgresConnection(database)
        #expect(try otherTrainer.tryAdvisoryLock(TrainingRequestChannel.trainerLockKey))
        var policy = Self.policy()
        policy.pollInterval = 600
        let follower = try Replica(database: database, name: "f", policy: policy)
        #expect(follower.role == "follower", "the role is settled before the replica answers")
        #expect(try follower.request("POST", "/v1/admin/train").status == 202, "forwarded while a trainer holds the role")
        #expect(try otherTrainer.advisoryUnlock(TrainingRequestChannel.trainerLockKey))
        let refused = try follower.request("POST", "/v1/admin/train")
        #expect(refused.status == 503, "nobody would read the forwarded request")
        #expect(refused.body["title"] as? String == "No trainer")
    }

    /// A trainer whose connections break gives the role up, closing its lock session too, so a
    /// replica with fresh connections can train again.
    @Test func aTrainerWhoseConnectionsBreakGivesTheRoleUpAndAReplicaTakesItAgain() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        _ = try Self.storeShop(database)
        let a = try Replica(database: database, name: "a", policy: Self.policy())
        #expect(a.role == "trainer", "claimed before the replica answers")
        let b = try Replica(database: database, name: "b", policy: Self.policy())
        #expect(b.role == "follower")
        let admin = try PostgresConnection(database)
        let holder = try #require(
            try admin.query(
                """
                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """
            ).scalar)
        try admin.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1::int)
            """, [holder])
        #expect(
            try eventually(timeout: 20) { try admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [holder]).scalar == "0" },
            "the trainer noticed its broken work connection and closed its lock session")
        var trainers: [Replica] = []
        #expect(
            eventually(timeout: 20) {
                trainers = [a, b].filter { $0.role == "trainer" }
                return trainers.count == 1
            })
        let run = try Self.train(try #require(trainers.first), #"{"epochs":40}"#)
        #expect(run["state"] as? String == "accepted", "the trainer works on fresh connections: \(run["reason"] ?? "")")
    }

    @Test func replicasConvergeAndAFollowerTakesOverTraining() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        _ = try Self.storeShop(database)
        var replicas = [
            try Replica(database: database, name: "a", policy: Self.policy()),
            try Replica(database: database, name: "b", policy: Self.policy())
        ]
        #expect(eventually(timeout: 10) { replicas.map(\.role).sorted() == ["follower", "trainer"] }, "exactly one trains")
        let trainerIndex = replicas.firstIndex { $0.role == "trainer" }!
        let trainer = replicas[trainerIndex]
        let follower = replicas[1 - trainerIndex]
        let forwarded = try follower.request("POST", "/v1/admin/train", json: #"{"epochs":40}"#)
        #expect(forwarded.status == 202, "a follower forwards the request to the trainer")
        #expect(forwarded.body["state"] as? String == "forwarded")
        var run: [String: Any] = [:]
        #expect(
            try eventually(timeout: 120) {
                run = try trainer.request("GET", "/v1/model").body["latest_run"] as? [String: Any] ?? [:]
                return run["state"] as? String == "accepted" && run["trigger"] as? String == "admin"
            }, "the trainer ran the forwarded request")
        #expect(eventually(timeout: 10) { follower.servedVersion == run["version"] as? String }, "the follower loads the accepted model")

        trainer.coordinator.stop()
        replicas.remove(at: trainerIndex)
        #expect(eventually(timeout: 10) { follower.role == "trainer" }, "the follower takes over once the trainer is gone")
        _ = try Self.storeShop(database, users: 60, seed: 7)
        let next = try Self.train(follower, #"{"epochs":40}"#)
        #expect(["accepted", "rejected"].contains(next["state"] as? String ?? ""), "\(next)")
    }
}
