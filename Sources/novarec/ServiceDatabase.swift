import Foundation
import Logging
import NovarecStore

/// The service's database: the given URL, or a private cluster in the data directory, started
/// here unless already running. Whoever started the embedded cluster stops it on close, unless
/// another process still has a session on it (an `import` next to a running `serve`, a second
/// replica); a cluster that was already running is left running. Migrations run on open.
struct ServiceDatabase {
    let connection: PostgresConnection
    /// What opened `connection`, for more sessions on the same database.
    let connectionString: String
    /// The cluster this process started (nil: an external database, or one found running).
    private let startedCluster: EmbeddedPostgres?
    /// Tags this process's sessions, so close can tell other processes' sessions apart.
    private static let applicationName = "novarec-\(getpid())"

    static func open(dataDirectory: String, url: String?, logger: Logger) throws -> ServiceDatabase {
        do {
            if let url {
                let connection = try PostgresConnection(url)
                try Migrations.apply(to: connection)
                return ServiceDatabase(connection: connection, connectionString: url, startedCluster: nil)
            }
            let directory = URL(fileURLWithPath: dataDirectory, isDirectory: true).standardizedFileURL.appendingPathComponent("postgres")
            let cluster = try EmbeddedPostgres(directory: directory)
            let started = try cluster.start()
            try cluster.createDatabase("novarec")
            logger.notice("embedded PostgreSQL \(started ? "started" : "already running") in \(directory.path)")
            let connectionString = cluster.connectionString(database: "novarec") + " application_name=\(applicationName)"
            let connection = try PostgresConnection(connectionString)
            try Migrations.apply(to: connection)
            return ServiceDatabase(connection: connection, connectionString: connectionString, startedCluster: started ? cluster : nil)
        } catch {
            let secrets = url.map(SecretRedaction.passwords) ?? []
            throw CommandFailure(description: "database: " + SecretRedaction.scrub("\(error)", secrets: secrets))
        }
    }

    /// Stops the cluster this process started, unless other processes still use it.
    func close(logger: Logger) {
        guard let startedCluster else { return }
        let others = (try? connection.otherClientSessions(than: Self.applicationName)) ?? 0
        guard others == 0 else {
            return logger.notice("embedded PostgreSQL left running: \(others) session(s) of other processes use it")
        }
        do { try startedCluster.stop() } catch { logger.error("stopping embedded PostgreSQL: \(error)") }
    }
}
