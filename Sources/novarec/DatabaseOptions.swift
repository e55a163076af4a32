import ArgumentParser
import Foundation
import Logging

/// The `--data-dir`/`--database-url` pair shared by `serve` and `import`: where the service
/// keeps its state and which PostgreSQL holds its events.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Data directory: the embedded PostgreSQL cluster and model checkpoints (env NOVAREC_DATA_DIR).")
    var dataDir = ProcessInfo.processInfo.environment["NOVAREC_DATA_DIR"] ?? "data"

    @Option(help: "PostgreSQL connection string or URL; default: the embedded cluster in the data directory (env DATABASE_URL).")
    var databaseURL: String?

    func open(ownsCluster: Bool, logger: Logger) throws -> ServiceDatabase {
        let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"]
        return try ServiceDatabase.open(dataDirectory: dataDir, url: url, ownsCluster: ownsCluster, logger: logger)
    }

    /// A file in the data directory.
    func path(_ name: String) -> String { (dataDir as NSString).appendingPathComponent(name) }
}
