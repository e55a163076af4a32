import Foundation
import Logging
import NovarecStore

/// The service's database: the given URL, or a private cluster in the data directory, started
/// here unless already running. `serve` owns the cluster and stops it on close even when it
/// found it running (left over from a killed process); `import` stops it only if it started it,
/// so an import next to a running `serve` shares its cluster. Migrations run on open.
struct ServiceDatabase {
    let connection: PostgresConnection
    /// What opened `connection`, for more sessions on the same database.
    let connectionString: String
    private let embedded: EmbeddedPostgres?

    static func open(dataDirectory: String, url: String?, ownsCluster: Bool, logger: Logger) throws -> ServiceDatabase {
        do {
            if let url {
                let connection = try PostgresConnection(url)
                try Migrations.apply(to: connection)
                return ServiceDatabase(connection: connection, connectionString: url, embedded: nil)
            }
            let directory = URL(fileURLWithPath: dataDirectory, isDirectory: true).standardizedFileURL.appendingPathComponent("postgres")
            let cluster = try EmbeddedPostgres(directory: directory)
            let started = try cluster.start()
            try cluster.createDatabase("novarec")
            logger.notice("embedded PostgreSQL \(started ? "started" : "already running") in \(directory.path)")
            let connectionString = cluster.connectionString(database: "novarec")
            let connection = try PostgresConnection(connectionString)
            try Migrations.apply(to: connection)
            return ServiceDatabase(connection: connection, connectionString: connectionString, embedded: started || ownsCluster ? cluster : nil)
        } catch {
            let secrets = url.map(SecretRedaction.passwords) ?? []
            throw CommandFailure(description: "database: " + SecretRedaction.scrub("\(error)", secrets: secrets))
        }
    }

    func close(logger: Logger) {
        guard let embedded else { return }
        do { try embedded.stop() } catch { logger.error("stopping embedded PostgreSQL: \(error)") }
    }
}
