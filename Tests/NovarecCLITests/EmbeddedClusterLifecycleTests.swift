import Foundation
import NovarecStore
import Testing

/// `serve` stops the embedded cluster only when it started it and no other process has a session
/// on it: one that was already running, or one another process uses, stays up when it exits.
struct EmbeddedClusterLifecycleTests {
    static func isRunning(_ cluster: EmbeddedPostgres) -> Bool {
        (try? PostgresConnection(cluster.connectionString()).query("SELECT 1")) != nil
    }

    @Test func serveLeavesAClusterItFoundRunningAndStopsOneItStarted() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let cluster = try EmbeddedPostgres(directory: directory.appendingPathComponent("state/postgres"))
        defer { try? cluster.stop() }
        #expect(try cluster.start())
        let guest = try ReplicaProcessTests.Server(["--data-dir", directory.path + "/state"], log: directory.appendingPathComponent("guest.log"))
        guest.terminate()
        #expect(Self.isRunning(cluster), "a cluster that was running before serve is left running")

        try cluster.stop()
        let owner = try ReplicaProcessTests.Server(["--data-dir", directory.path + "/state"], log: directory.appendingPathComponent("owner.log"))
        #expect(Self.isRunning(cluster))
        owner.terminate()
        #expect(!Self.isRunning(cluster), "the cluster serve started stops with it")

        let sharing = try ReplicaProcessTests.Server(["--data-dir", directory.path + "/state"], log: directory.appendingPathComponent("sharing.log"))
        let session = try PostgresConnection(cluster.connectionString())
        sharing.terminate()
        #expect((try? session.query("SELECT 1")) != nil, "a cluster another process still uses is left running")
    }
}
