import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import NovarecStore
import NovarecTestSupport
import Testing

/// `novarec serve` processes on one PostgreSQL, as a deployment runs them: exactly one trains,
/// the others serve what it accepts, and `kill -9` of the trainer (even mid-run) hands training
/// over without touching the served model.
struct ReplicaProcessTests {
    /// A running `novarec serve` and the port it reported; terminated when released.
    final class Server {
        let process: ChildProcess
        let port: Int

        init(_ arguments: [String], log: URL) throws {
            let all = ["serve", "--port", "0", "--log-level", "notice", "--poll-interval", "0.5", "--retrain-events", "0"] + arguments
            let process = try ChildProcess(CommandLineTests.binary.path, all, stderr: log.path)
            self.process = process
            var found: Int?
            _ = eventually(timeout: 60) {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                found = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
                return found != nil || !process.isRunning
            }
            port = try #require(found, "server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        deinit { terminate() }

        /// Sends `signal` and waits for the exit; nil when the process outlived `seconds`.
        func exitStatus(after signal: Int32, within seconds: Double) -> Int32? {
            process.signal(signal)
            guard eventually(timeout: seconds, { !process.isRunning }) else { return nil }
            return process.waitForExit()
        }

        /// SIGTERM, then waits for the graceful exit.
        func terminate() {
            guard process.isRunning else { return }
            process.signal(SIGTERM)
            _ = process.waitForExit()
        }

        func kill9() {
            process.signal(SIGKILL)
            _ = process.waitForExit()
        }

        func json(_ path: String, method: String = "GET", body: String? = nil) -> [String: Any] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            request.httpBody = body.map { Data($0.utf8) }
            if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            return (try? HTTPClient.send(request))?.body ?? [:]
        }

        var role: String? { json("/v1/admin/train")["role"] as? String }
        var version: String? { json("/v1/model")["version"] as? String }
        var latestRun: [String: Any] { json("/v1/model")["latest_run"] as? [String: Any] ?? [:] }
    }

    /// A generated shop imported into the embedded cluster of `DIRECTORY/a`.
    static func importedShop() throws -> (directory: URL, cluster: EmbeddedPostgres) {
        let directory = try CommandLineTests.temporaryDirectory()
        #expect(try CommandLineTests.run(["generate", "--out", directory.path + "/shop", "--users", "200", "--items", "40"]).status == 0)
        #expect(try CommandLineTests.run(["import", "--dataset", directory.path + "/shop", "--data-dir", directory.path + "/a"]).status == 0)
        return (directory, try EmbeddedPostgres(directory: directory.appendingPathComponent("a/postgres")))
    }

    @Test func oneProcessTrainsTheOthersFollowAndTrainingSurvivesKill9() throws {
        let (directory, cluster) = try Self.importedShop()
        defer { try? cluster.stop() }
        let first = try Server(["--data-dir", directory.path + "/a"], log: directory.appendingPathComponent("a.log"))
        #expect(eventually(timeout: 10) { first.role == "trainer" })
        let url = cluster.connectionString(database: "novarec")
        let second = try Server(["--data-dir", directory.path + "/b", "--database-url", url], log: directory.appendingPathComponent("b.log"))
        #expect(second.role == "follower", "exactly one process trains")

        let forwarded = second.json("/v1/admin/train", method: "POST", body: #"{"epochs":40}"#)
        #expect(forwarded["state"] as? String == "forwarded")
        #expect(eventually(timeout: 120) { first.latestRun["state"] as? String == "accepted" }, "the trainer ran the forwarded request")
        let accepted = try #require(first.latestRun["version"] as? String)
        #expect(eventually(timeout: 30) { first.version == accepted && second.version == accepted }, "both serve the accepted model")

        #expect(first.json("/v1/admin/train", method: "POST", body: #"{"epochs":500,"patience":100,"full":true}"#)["state"] as? String == "queued")
        #expect(eventually(timeout: 30) { first.role == "trainer" && first.json("/v1/admin/train")["state"] as? String == "running" })
        let interrupted = try #require(first.latestRun["version"] as? String)
        first.kill9()
        #expect(eventually(timeout: 10) { second.role == "trainer" }, "the survivor takes over training")
        #expect(second.version == accepted, "the served model is untouched by the killed run")
        let runs = second.json("/v1/admin/train")["recent_runs"] as? [[String: Any]] ?? []
        let killed = runs.first { $0["version"] as? String == interrupted }
        #expect(killed?["state"] as? String == "failed" && killed?["reason"] as? String == "interrupted", "\(killed ?? [:])")

        let third = try Server(["--data-dir", directory.path + "/c", "--database-url", url], log: directory.appendingPathComponent("c.log"))
        #expect(third.version == accepted, "a new replica starts on the registry's current model")
        #expect(third.role == "follower")

        let events = ["p3", "p7"].enumerated().map { index, item in
            #"{"event_id":"\#(UUID().uuidString)","user_id":"newcomer","item_id":"\#(item)","type":"view","timestamp":"2026-11-29T10:00:0\#(index)Z"}"#
        }
        #expect(second.json("/v1/events", method: "POST", body: #"{"events":[\#(events.joined(separator: ","))]}"#)["stored"] as? Int == 2)
        #expect(
            eventually(timeout: 10) { third.json("/v1/recommendations?user_id=newcomer")["fallback"] as? Bool == false },
            "events stored through one process shape another's recommendations")
    }

    /// A deploy or scale-down during training: SIGTERM stops the run at its next step, joins
    /// every background thread and exits 0 (it used to crash inside OpenBLAS at exit).
    @Test func sigtermDuringATrainingRunExitsCleanly() throws {
        let (directory, cluster) = try Self.importedShop()
        defer { try? cluster.stop() }
        let log = directory.appendingPathComponent("a.log")
        let server = try Server(["--data-dir", directory.path + "/a"], log: log)
        #expect(eventually(timeout: 10) { server.role == "trainer" })
        #expect(server.json("/v1/admin/train", method: "POST", body: #"{"epochs":500,"patience":100,"full":true}"#)["state"] as? String == "queued")
        #expect(eventually(timeout: 30) { server.json("/v1/admin/train")["state"] as? String == "running" })
        let status = server.exitStatus(after: SIGTERM, within: 60)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "exit status \(status.map(String.init) ?? "none within 60 s"): \(text.suffix(600))")
        #expect(text.contains("stopped"))
        try cluster.start()  // `serve` stopped the cluster it owns on its way out
        let run = try ModelRegistry(database: PostgresConnection(cluster.connectionString(database: "novarec"))).recent(limit: 1).first
        #expect(run?.state == .failed, "the cancelled run is recorded, not left training")
    }

    /// `--history-users` and `--popularity-items` bound what the process keeps, `/metrics` shows
    /// both against their budgets, and users left out of memory are read from the database.
    @Test func memoryBudgetsComeFromTheFlagsAndShowInMetrics() throws {
        let (directory, cluster) = try Self.importedShop()
        defer { try? cluster.stop() }
        let server = try Server(
            ["--data-dir", directory.path + "/a", "--history-users", "50", "--popularity-items", "30"],
            log: directory.appendingPathComponent("a.log"))
        let events = try String(contentsOfFile: directory.path + "/shop/events.tsv", encoding: .utf8)
        let users = Set(events.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first.map(String.init) })
        #expect(users.count == 200)
        for user in users { #expect(server.json("/v1/recommendations?user_id=\(user)&k=3")["fallback"] as? Bool == true) }
        let metrics = try String(contentsOf: URL(string: "http://127.0.0.1:\(server.port)/metrics")!, encoding: .utf8)
        #expect(metrics.contains("novarec_history_users_budget 50") && metrics.contains("novarec_popularity_items_budget 30"), "\(metrics)")
        let known = metrics.firstMatch(of: /novarec_known_users (\d+)/).flatMap { Int($0.1) } ?? -1
        #expect((1...50).contains(known), "\(known) users in memory")
        let reads = metrics.firstMatch(of: /novarec_history_store_reads_total\{outcome="read"\} (\d+)/).flatMap { Int($0.1) } ?? 0
        #expect(reads >= 150, "the users left out of memory were read from the database: \(reads)")
        #expect(metrics.contains("novarec_catalogue_items 30"), "the 30 most popular items start the popularity catalogue")
    }
}
