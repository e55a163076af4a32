import Foundation
import Logging
import NovarecStore

/// The service's database: the given URL, or a private cluster in the data directory that is
/// started here and stopped with the service. Migrations run on open.
struct ServiceDatabase {
    let connection: PostgresConnection
    private let embedded: EmbeddedPostgres?

    static func open(dataDirectory: String, url: String?, logger: Logger) throws -> ServiceDatabase {
        do {
            if let url {
                let connection = try PostgresConnection(url)
                try Migrations.apply(to: connection)
                return ServiceDatabase(connection: connection, embedded: nil)
            }
            let directory = URL(fileURLWithPath: dataDirectory, isDirectory: true).standardizedFileURL.appendingPathComponent("postgres")
            let cluster = try EmbeddedPostgres(directory: directory)
            try cluster.start()
            try cluster.createDatabase("novarec")
            logger.notice("embedded PostgreSQL running in \(directory.path)")
            let connection = try PostgresConnection(cluster.connectionString(database: "novarec"))
            try Migrations.apply(to: connection)
            return ServiceDatabase(connection: connection, embedded: cluster)
        } catch {
            throw CommandFailure(description: "database: \(error)")
        }
    }

    func close(logger: Logger) {
        guard let embedded else { return }
        do { try embedded.stop() } catch { logger.error("stopping embedded PostgreSQL: \(error)") }
    }
}
