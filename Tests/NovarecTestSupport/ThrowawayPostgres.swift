import Foundation
import NovarecStore

/// One throwaway PostgreSQL cluster per process, started on first use in a fresh temporary
/// directory and stopped when the process exits; each call hands out a new migrated database.
/// For tests (of this module and the ones above it) and demos — never for real data.
public enum ThrowawayPostgres {
    private static let cluster: Result<EmbeddedPostgres, any Error> = {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("novarec-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            let cluster = try EmbeddedPostgres(directory: directory)
            try cluster.start()
            running = cluster
            atexit {
                guard let cluster = ThrowawayPostgres.running else { return }
                try? cluster.stop()
                try? FileManager.default.removeItem(at: cluster.directory)
            }
            return .success(cluster)
        } catch {
            return .failure(error)
        }
    }()

    nonisolated(unsafe) private static var running: EmbeddedPostgres?

    /// A connection to a new, migrated database.
    public static func freshConnection() throws -> PostgresConnection {
        try PostgresConnection(freshDatabase())
    }

    /// The connection string of a new, migrated database, for tests that open several sessions
    /// on one database (replicas, listeners, lock holders).
    public static func freshDatabase() throws -> String {
        let cluster = try cluster.get()
        let name = "test_\(UUID().uuidString.prefix(8).lowercased())"
        try cluster.createDatabase(name)
        let connectionString = cluster.connectionString(database: name)
        try Migrations.apply(to: PostgresConnection(connectionString))
        return connectionString
    }
}
