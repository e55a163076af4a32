import ArgumentParser
import Foundation
import Logging

/// The `--data-dir`/`--database-url` pair shared by `serve` and `import`: where the service
/// keeps its state and which PostgreSQL holds its events.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Data directory: the embedded PostgreSQL cluster and model checkpoints.")
    var dataDir = "data"

    @Option(help: "PostgreSQL connection string or URL; default: the embedded cluster in the data directory.")
    var databaseURL: String?

    func open(logger: Logger) throws -> ServiceDatabase {
        try ServiceDatabase.open(dataDirectory: dataDir, url: databaseURL, logger: logger)
    }

    /// A file in the data directory.
    func path(_ name: String) -> String { (dataDir as NSString).appendingPathComponent(name) }
}
