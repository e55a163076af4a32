import Foundation
import NovarecStore

/// One throwaway PostgreSQL cluster for the whole test process, started on first use in a fresh
/// temporary directory and stopped when the process exits. Each test gets its own database.
enum TestDatabase {
    private static let cluster: Result<EmbeddedPostgres, any Error> = {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("novarec-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            let cluster = try EmbeddedPostgres(directory: directory)
            try cluster.start()
            running = cluster
            atexit { try? TestDatabase.running?.stop() }
            return .success(cluster)
        } catch {
            return .failure(error)
        }
    }()

    nonisolated(unsafe) private static var running: EmbeddedPostgres?

    /// A connection to a new, migrated database.
    static func freshConnection() throws -> PostgresConnection {
        let cluster = try cluster.get()
        let name = "test_\(UUID().uuidString.prefix(8).lowercased())"
        try cluster.createDatabase(name)
        let connection = try PostgresConnection(cluster.connectionString(database: name))
        try Migrations.apply(to: connection)
        return connection
    }
}
