import Foundation
import Testing
@testable import NovarecStore

/// The embedded cluster is private to whoever runs it: another local user can neither reach its
/// socket nor log in, while the service (root, as `postgres` through the peer map) still can.
/// These run as root only (as the service does in production): only root can act as `nobody`.
@Suite(.enabled(if: getuid() == 0 && getpwnam("nobody") != nil && FileManager.default.isExecutableFile(atPath: "/sbin/runuser")))
struct EmbeddedPostgresAccessTests {
    static func temporaryDirectory(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("novarec-\(name)-\(UUID().uuidString.prefix(8))")
    }

    /// Runs `psql … -c 'SELECT 1'` against `cluster`, as `user` when given (through runuser),
    /// with the cluster's own `posix_spawn` runner; nil when it succeeds, else its error.
    static func psql(_ cluster: EmbeddedPostgres, as user: String? = nil) throws -> PostgresError? {
        let psql = try EmbeddedPostgres.findBinaries().appendingPathComponent("psql")
        let arguments = ["-h", cluster.socketDirectory.path, "-p", String(cluster.port), "-U", "postgres", "-d", "postgres", "-w", "-c", "SELECT 1"]
        do {
            if let user {
                try cluster.execute(URL(fileURLWithPath: "/sbin/runuser"), ["-u", user, "--", psql.path] + arguments)
            } else {
                try cluster.execute(psql, arguments)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func anotherLocalUserIsRefusedEvenAfterAnUpgradeFromTrust() throws {
        let directory = Self.temporaryDirectory("access")
        let cluster = try EmbeddedPostgres(directory: directory)
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        try cluster.start()
        try cluster.stop()
        // A cluster an older version created: trust for everyone.
        try "local all all trust\n".write(to: cluster.dataDirectory.appendingPathComponent("pg_hba.conf"), atomically: false, encoding: .utf8)
        try cluster.start()

        let refused = try Self.psql(cluster, as: "nobody")
        #expect(refused != nil, "runuser -u nobody -- psql -h <socket dir> -U postgres must be refused")
        #expect(refused?.message.contains("psql: error") == true, "refused by the server or its socket: \(refused.map(String.init(describing:)) ?? "")")
        let service = try Self.psql(cluster)
        #expect(service == nil, "root connects as postgres through the peer map: \(service.map(String.init(describing:)) ?? "")")
        #expect(try PostgresConnection(cluster.connectionString()).query("SHOW unix_socket_permissions").scalar == "0700")
        let socketMode = try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory.path)[.posixPermissions] as? Int
        #expect(socketMode == 0o700)
        let hba = try String(contentsOf: cluster.dataDirectory.appendingPathComponent("pg_hba.conf"), encoding: .utf8)
        #expect(!hba.contains("trust") && hba.contains("peer map=novarec"), "\(hba)")
    }

    /// Inside a 0700 directory of root's (what `mktemp -d` makes) user postgres cannot reach
    /// the cluster: start-up stops and names the directory and the fix, which then works.
    @Test func aDirectoryPostgresCannotReachIsNamedWithTheFix() throws {
        let locked = Self.temporaryDirectory("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: locked) }
        let cluster = try EmbeddedPostgres(directory: locked.appendingPathComponent("data/postgres"))
        do {
            try cluster.start()
            Issue.record("started inside a 0700 directory user postgres cannot reach")
        } catch {
            #expect(error.message.contains("user postgres, which cannot reach \(cluster.directory.path)"), "\(error)")
            #expect(error.message.contains("\(locked.path) (mode 0700, owner root) denies it"), "\(error)")
            #expect(error.message.contains("chmod o+x \(locked.path)"), "\(error)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: locked.path)
        #expect(try cluster.start(), "the advice works")
        try cluster.stop()
    }
}
