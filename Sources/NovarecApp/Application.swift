import Foundation
import Logging
import NovarecHTTP
import NovarecML
import NovarecService
import NovarecStore

/// One Novarec replica, wired in the one correct order: the event feed listens before the
/// start-up read of the stored events (so no event falls between them), the engine is built
/// from that read, the model lifecycle serves the registry's model before the server answers,
/// and the server listens last. `stop()` reverses it and joins every background thread, so a
/// process exits only once training and listeners have ended.
public final class Application: Sendable {
    public let configuration: ApplicationConfiguration
    public let service: RecommendationService
    public let coordinator: ModelCoordinator
    public let server: HTTPServer
    /// The connections request handlers share.
    public let pool: PostgresPool
    private let feed: ReplicaEventFeed
    private let logger: Logger

    /// Builds the replica and reads the stored events (streamed, keeping what the budgets
    /// allow); nothing answers until `start()`.
    public init(configuration: ApplicationConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let database = configuration.database
        let background: @Sendable () throws -> PostgresConnection = { try PostgresConnection(database, settings: .background) }
        let log: @Sendable (String) -> Void = { [logger] in logger.notice("\($0)") }
        pool = PostgresPool(size: configuration.databasePoolSize, acquireTimeout: configuration.databaseAcquireTimeout) {
            [settings = configuration.connectionSettings] in
            try PostgresConnection(database, settings: settings)
        }
        let origin = UUID().uuidString
        feed = try ReplicaEventFeed(origin: origin, connect: background, log: log)
        let interactions = try EventStore(database: try background()).storedInteractions()
        let store = EventStore(database: pool, announcement: ReplicaEventFeed.announcement(origin: origin))
        service = try ServiceBootstrap.make(
            store: store, interactions: interactions, checkpoint: configuration.checkpoint,
            keys: configuration.keys, candidateCacheUsers: configuration.candidateCacheUsers,
            historyUsers: configuration.historyUsers, popularityItems: configuration.popularityItems,
            text: configuration.textEncoder.map { ($0, configuration.newItemPlacement) }, log: log)
        coordinator = ModelCoordinator(
            engine: service.engine, policy: configuration.training, replica: configuration.replicaName,
            checkpointURL: configuration.localCheckpoint, checkpointDirectory: configuration.sharedCheckpointDirectory,
            database: pool, connect: background, log: log)
        var router = Router()
        router.get("/healthz", inline: true) { _ in try HealthAnswer.response() }
        let metrics = ServerMetrics()
        service.routes(&router, httpMetrics: metrics, coordinator: coordinator)
        server = HTTPServer(configuration: configuration.server, router: router, logger: logger, metrics: metrics)
    }

    public var engine: RecommendationEngine { service.engine }

    /// Starts feeding live events, the model lifecycle and the server; returns the bound address.
    @discardableResult
    public func start() throws -> BoundAddress {
        feed.start(feeding: service.engine)
        service.embedder?.start()
        try coordinator.start()
        return try server.start(verifying: configuration.keys.checkListening)
    }

    /// Blocks until SIGTERM or SIGINT, then stops.
    public func runUntilTerminated() {
        server.runUntilTerminated()
        stop()
    }

    /// Stops answering (in-flight requests finish within the grace period), then the model
    /// lifecycle (a running training run stops at its next step) and the feed, and waits for
    /// all of them. Safe to call more than once.
    public func stop() {
        server.shutdown()
        coordinator.stop()
        service.embedder?.stop()
        feed.stop()
    }
}

/// `GET /healthz`: the process is alive; names the OpenBLAS kernel so a slow fallback shows.
enum HealthAnswer {
    struct Body: Encodable {
        let status = "ok"
        let openblasKernel = OpenBLASRuntime.coreName

        enum CodingKeys: String, CodingKey {
            case status
            case openblasKernel = "openblas_kernel"
        }
    }

    /// The same bytes every time, so encoded once.
    private static let answer = Result { try HTTPResponse.json(Body()) }

    static func response() throws -> HTTPResponse { try answer.get() }
}
