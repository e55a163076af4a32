import ArgumentParser
import Foundation
import Logging
import NovarecApp
import NovarecHTTP
import NovarecML
import NovarecService
import NovarecStore
import NovarecText

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `novarec serve`: runs the recommendation service over HTTP: events into PostgreSQL (an
/// embedded private cluster in the data directory unless a database URL is given),
/// recommendations from the checkpoint in the data directory (popularity until there is one).
/// Stops gracefully on SIGTERM or SIGINT and exits 0.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the recommendation service (events, recommendations, health).",
        discussion: """
            Logs the address it listens on, one access-log line per request on standard error, and \
            stops on SIGTERM/SIGINT: no new connections, in-flight requests finish within \
            --shutdown-grace seconds, idle connections close.
            """
    )

    @Option(help: "Address to listen on: IPv4 or IPv6, 0.0.0.0 or :: for every interface.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @OptionGroup var database: DatabaseOptions

    @Option(
        help:
            "File of write keys, one per line, required as 'Authorization: Bearer <key>' on writes (env NOVAREC_API_KEYS: comma-separated). Without write or admin keys the server listens on loopback only."
    )
    var apiKeysFile: String?

    @Option(help: "File of read keys: once set, recommendations and item reads need a read, write or admin key (env NOVAREC_READ_KEYS: comma-separated).")
    var readKeysFile: String?

    @Option(
        help:
            "File of admin keys: once set, /v1/admin/*, /v1/model and /metrics need one (without them /v1/admin/* takes the write keys) (env NOVAREC_ADMIN_KEYS: comma-separated)."
    )
    var adminKeysFile: String?

    @Option(
        help: "Model checkpoint to serve, of any kind novarec train writes: sasrec, pop, itemknn or ease (default: DATA_DIR/model.safetensors when it exists).")
    var checkpoint: String?

    @Option(
        name: .customLong("text-model"),
        help: ArgumentHelp(
            "Sentence-transformers model directory that embeds item text, so items the model has not seen reach lists and similar-item "
                + "shelves ('none': off; default: \(SentenceEncoder.defaultDirectory) when deploy/setup.sh fetched it)."))
    var textModel: String?

    @OptionGroup var newItems: NewItemOptions

    @Option(help: "Users whose model candidates are kept between two of their events (0 disables the cache).")
    var candidateCacheUsers = 50_000

    @Option(
        help: "Users whose history is kept in memory (the least recently used beyond it are dropped and read back from the database on their next request).")
    var historyUsers = 1_000_000

    @Option(help: "Distinct item ids live popularity counts (ids of the serving catalogue always count).")
    var popularityItems = 1_000_000

    @Option(help: "Train when this many events arrived since the last run's data (0: never; this replica must hold the trainer role).")
    var retrainEvents = 10_000

    @Option(help: "Train when this many seconds passed since the last run (0: never).")
    var retrainInterval = 0.0

    @Option(help: "Delete events older than this many days, checked hourly by the trainer (0: keep them forever).")
    var eventRetentionDays = 0.0

    @Option(help: "Longest wall time of one training run, in minutes (the best epoch so far is kept).")
    var trainMaxMinutes = 15.0

    @Option(help: "Threads a training run may use, at low priority (1 leaves the other cores to requests; a replica without traffic may use them all).")
    var trainerThreads = 1

    @Option(help: "Seconds between checks of triggers, the trainer role and the model registry (also the longest a replica takes to take over training).")
    var pollInterval = 5.0

    @Option(help: "Warm start from the serving model unless more than this share of the catalogue is new (0–1).")
    var warmStartMaxNewItems = 0.2

    @Option(help: "Validation gate: the candidate's NDCG@10 may be at most this fraction below the serving model's.")
    var gateNdcgMargin = ValidationGate().ndcgMargin

    @Option(help: "Validation gate: largest relative drop of Novelty@10 allowed.")
    var gateNoveltyMargin = ValidationGate().noveltyMargin

    @Option(help: "Validation gate: largest relative drop of Coverage@10 allowed.")
    var gateCoverageMargin = ValidationGate().coverageMargin

    @Option(help: "Seconds the previous model may keep answering cached users after a swap while they are re-scored in the background.")
    var handoverSeconds = TrainingPolicy().handoverSeconds

    @Option(help: "This replica's name in the model registry (default: hostname:PORT, or hostname:pidN with --port 0).")
    var replicaName: String?

    @Option(help: "Directory every replica mounts where accepted checkpoints are written (default: they travel in the database).")
    var checkpointDir: String?

    @Option(help: "Largest request line plus header fields, in bytes (431 beyond).")
    var maxHeaderBytes = ServerLimits().maxHeaderBytes

    @Option(help: "Most header fields per request (431 beyond).")
    var maxHeaderCount = ServerLimits().maxHeaderCount

    @Option(help: "Largest request body, in bytes (413 beyond).")
    var maxBodyBytes = ServerLimits().maxBodyBytes

    @Option(help: "Request-body bytes all connections may be receiving at once (503 with Retry-After beyond).")
    var maxBodyBytesInFlight = ServerLimits().maxBodyBytesInFlight

    @Option(help: "Most open connections (an idle keep-alive connection is reclaimed, else 503 and close beyond).")
    var maxConnections = ServerLimits().maxConnections

    @Option(help: "Requests one connection may carry; the last response says 'Connection: close'.")
    var maxRequestsPerConnection = ServerLimits().maxRequestsPerConnection

    @Option(help: "Seconds for a complete request head (408 and close beyond).")
    var headerTimeout = ServerLimits().headerTimeout

    @Option(help: "Seconds a kept-alive connection may wait for its next request.")
    var idleTimeout = ServerLimits().idleTimeout

    @Option(help: "Seconds for a complete request body once the head arrived (408 beyond).")
    var bodyTimeout = ServerLimits().bodyTimeout

    @Option(help: "Seconds a response may wait for a client that does not read.")
    var writeTimeout = ServerLimits().writeTimeout

    @Option(help: "Seconds in-flight requests get to finish on shutdown.")
    var shutdownGrace = 10.0

    @Option(help: "HTTP event-loop threads; connections are spread over them (default: one per core).")
    var eventLoops = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Log level: trace, debug, info (access log), notice, warning, error, critical.")
    var logLevel = Logger.Level.info

    /// The longest timeout or grace period accepted (a day): beyond, a time is a typo, and an
    /// infinite one cannot be a deadline.
    static let longestTime = 86_400.0

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        var isDirectory: ObjCBool = false
        if let checkpointDir, FileManager.default.fileExists(atPath: checkpointDir, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--checkpoint-dir \(checkpointDir) is a file, not a directory")
        }
        // Upper bounds far above any real deployment, so that no limit overflows the arithmetic
        // done with it (a header limit plus its terminator, descriptors for the connections).
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("--max-header-bytes", maxHeaderBytes, 1...(1 << 20)), ("--max-header-count", maxHeaderCount, 1...10_000),
            ("--max-body-bytes", maxBodyBytes, 1...(1 << 30)), ("--max-body-bytes-in-flight", maxBodyBytesInFlight, 1...(1 << 36)),
            ("--max-connections", maxConnections, 1...1_000_000), ("--max-requests-per-connection", maxRequestsPerConnection, 1...1_000_000_000),
            ("--candidate-cache-users", candidateCacheUsers, 0...100_000_000), ("--history-users", historyUsers, 2...1_000_000_000),
            ("--popularity-items", popularityItems, 0...1_000_000_000), ("--retrain-events", retrainEvents, 0...1_000_000_000_000),
            ("--trainer-threads", trainerThreads, 1...256), ("--event-loops", eventLoops, 1...256)
        ]
        for (name, value, range) in counts where !range.contains(value) {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        // Times as numbers of their unit: finite, and within what a clock can hold.
        let spans: [(String, Double, ClosedRange<Double>, String)] = [
            ("--retrain-interval", retrainInterval, 0...(366 * 86_400), "seconds (0: never)"),
            ("--event-retention-days", eventRetentionDays, 0...36_500, "days (0: keep events forever)"),
            ("--handover-seconds", handoverSeconds, 0...Self.longestTime, "seconds"),
            ("--train-max-minutes", trainMaxMinutes, 1e-3...10_080, "minutes"),
            ("--poll-interval", pollInterval, 1e-3...Self.longestTime, "seconds")
        ]
        for (name, value, range, unit) in spans where !range.contains(value) {
            throw ValidationError("\(name) must be between \(range.lowerBound.formatted()) and \(range.upperBound.formatted()) \(unit)")
        }
        let fractions = [
            ("--warm-start-max-new-items", warmStartMaxNewItems), ("--gate-ndcg-margin", gateNdcgMargin),
            ("--gate-novelty-margin", gateNoveltyMargin), ("--gate-coverage-margin", gateCoverageMargin)
        ]
        for (name, value) in fractions where !(0...1).contains(value) { throw ValidationError("\(name) must be between 0 and 1") }
        let times = [
            ("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout),
            ("--write-timeout", writeTimeout), ("--shutdown-grace", shutdownGrace)
        ]
        for (name, value) in times where !(value > 0 && value <= Self.longestTime) {
            throw ValidationError("\(name) must be a positive number of seconds, at most \(Int(Self.longestTime))")
        }
    }

    func run() throws {
        let sink = BufferedLogHandler.Sink()
        defer { sink.flush() }
        var logger = Logger(label: "novarec.http") { BufferedLogHandler(label: $0, sink: sink) }
        logger.logLevel = logLevel
        raiseOpenFileLimit(to: maxConnections + 64, logger: logger)
        // Requests run concurrently, each with small products: one BLAS thread per request beats
        // a shared BLAS thread pool that every handler contends for.
        OpenBLASRuntime.threadCount = 1
        let keys = try loadKeys()
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        try? FileManager.default.createDirectory(atPath: database.dataDir, withIntermediateDirectories: true)
        let application: Application
        do {
            application = try Application(configuration: try configuration(database: db.connectionString, keys: keys, logger: logger), logger: logger)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(description: "start-up: \(error)")
        }
        let address: BoundAddress
        do {
            address = try application.start()
        } catch {
            application.stop()
            throw CommandFailure(description: "cannot start on \(host):\(port): \(error)")
        }
        logger.notice("listening on http://\(address) (OpenBLAS kernel: \(OpenBLASRuntime.coreName))")
        application.runUntilTerminated()
        logger.notice("stopped")
    }

    /// The flags as an application configuration.
    private func configuration(database connectionString: String, keys: APIKeys, logger: Logger) throws -> ApplicationConfiguration {
        let replica = replicaName ?? "\(ProcessInfo.processInfo.hostName):\(port == 0 ? "pid\(getpid())" : String(port))"
        var configuration = ApplicationConfiguration(database: connectionString, server: serverConfiguration(), replicaName: replica)
        configuration.keys = keys
        configuration.checkpoint = try loadCheckpoint(logger: logger)
        configuration.candidateCacheUsers = candidateCacheUsers
        configuration.historyUsers = historyUsers
        configuration.popularityItems = popularityItems
        configuration.training = trainingPolicy()
        configuration.textEncoder = try textEncoder(logger: logger)
        configuration.newItemPlacement = try newItems.placement()
        configuration.localCheckpoint = URL(fileURLWithPath: database.path("model.safetensors"))
        configuration.sharedCheckpointDirectory = try sharedCheckpointDirectory()
        return configuration
    }

    /// `--text-model` loaded; without it the default directory when it exists; nil for 'none'.
    private func textEncoder(logger: Logger) throws -> TextEncoder? {
        guard textModel != "none" else { return nil }
        let directory = TextModelOptions.directory(textModel)
        guard textModel != nil || FileManager.default.fileExists(atPath: directory.path) else {
            logger.notice("no text model at \(directory.path): items are served by the model alone (deploy/setup.sh fetches one)")
            return nil
        }
        let encoder = try TextModelOptions.load(directory)
        return TextEncoder(name: directory.lastPathComponent, dimension: encoder.dimension) { encoder.encode($0) }
    }

    /// `--checkpoint-dir`, created when missing; it must be writable (any replica may become the trainer).
    private func sharedCheckpointDirectory() throws -> URL? {
        guard let checkpointDir else { return nil }
        let url = URL(fileURLWithPath: checkpointDir, isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw CommandFailure(description: "--checkpoint-dir \(checkpointDir) is not a writable directory")
        }
        return url
    }

    private func trainingPolicy() -> TrainingPolicy {
        var policy = TrainingPolicy()
        policy.newEvents = retrainEvents
        policy.interval = retrainInterval
        policy.eventRetentionDays = eventRetentionDays
        policy.pollInterval = pollInterval
        policy.options.maxSeconds = trainMaxMinutes * 60
        policy.trainerThreads = trainerThreads
        policy.maxNewItemShare = warmStartMaxNewItems
        policy.handoverSeconds = handoverSeconds
        policy.gate.ndcgMargin = gateNdcgMargin
        policy.gate.noveltyMargin = gateNoveltyMargin
        policy.gate.coverageMargin = gateCoverageMargin
        return policy
    }

    private func serverConfiguration() -> HTTPServer.Configuration {
        let limits = ServerLimits(
            maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes,
            maxBodyBytesInFlight: maxBodyBytesInFlight, maxConnections: maxConnections,
            maxRequestsPerConnection: maxRequestsPerConnection, headerTimeout: headerTimeout, idleTimeout: idleTimeout,
            bodyTimeout: bodyTimeout, writeTimeout: writeTimeout)
        return HTTPServer.Configuration(host: host, port: port, limits: limits, shutdownGracePeriod: shutdownGrace, eventLoops: eventLoops)
    }

    /// The configured keys of every scope (the server refuses a non-loopback bound address while writes are open).
    private func loadKeys() throws -> APIKeys {
        let sources = APIKeys.Sources(
            writeFile: apiKeysFile, readFile: readKeysFile, adminFile: adminKeysFile,
            environment: ProcessInfo.processInfo.environment)
        do { return try APIKeys.load(sources) } catch { throw CommandFailure(description: "\(error)") }
    }

    /// The checkpoint to serve, of any kind `novarec train --model` writes.
    private func loadCheckpoint(logger: Logger) throws -> ModelCheckpoint? {
        let path = checkpoint ?? database.path("model.safetensors")
        guard checkpoint != nil || FileManager.default.fileExists(atPath: path) else {
            logger.notice("no model checkpoint at \(path): serving popularity")
            return nil
        }
        let loaded = try ModelCheckpoint.read(from: URL(fileURLWithPath: path))
        logger.notice("serving \(path): \(loaded.recommender.name), \(loaded.itemIDs.count) items")
        return loaded
    }

    /// Every connection holds a descriptor; the soft limit is often 1024, below --max-connections.
    private func raiseOpenFileLimit(to wanted: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 || limit.rlim_cur < rlim_t(wanted) {
            logger.warning("open-file limit \(limit.rlim_cur) is below --max-connections \(maxConnections); accept will pause when it runs out")
        }
    }
}
