import Foundation
import NovarecHTTP
import NovarecML
import NovarecService
import NovarecStore

/// Everything a running Novarec replica is built from; `novarec serve` fills it from flags and
/// the environment, tests fill it directly.
public struct ApplicationConfiguration: Sendable {
    /// libpq connection string or URL of the (migrated) database.
    public var database: String
    public var server: HTTPServer.Configuration
    public var keys = APIKeys([])
    /// The model served at start-up (nil: the registry's, else popularity).
    public var checkpoint: ModelCheckpoint?
    /// Users whose model candidates are kept between two of their events (0: no cache).
    public var candidateCacheUsers = 50_000
    /// Users whose history is kept in memory; the others' are read from the database on request.
    public var historyUsers = 1_000_000
    /// Distinct item ids live popularity counts at most.
    public var popularityItems = 1_000_000
    public var training = TrainingPolicy()
    /// This replica's name in the model registry.
    public var replicaName: String
    /// Where this replica also writes accepted models (nil: the database only).
    public var localCheckpoint: URL?
    /// A directory every replica mounts, where accepted checkpoints go instead of the registry row.
    public var sharedCheckpointDirectory: URL?
    /// The encoder of item text (nil: items are served by the model alone) and where the item
    /// the model has not seen that best matches a shopper's latest items is shown.
    public var textEncoder: TextEncoder?
    public var newItemPlacement: NewItemPlacement? = .standard
    /// Connections request handlers share (writes, readiness, registry reads).
    public var databasePoolSize = 8
    /// Seconds a request waits for one of them before it answers 503.
    public var databaseAcquireTimeout = 2.0
    /// Timeouts of request handlers' connections (background work has no statement limit).
    public var connectionSettings = ConnectionSettings()

    public init(database: String, server: HTTPServer.Configuration, replicaName: String) {
        self.database = database
        self.server = server
        self.replicaName = replicaName
    }
}
