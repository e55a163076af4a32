import Dispatch
import Foundation
import Logging
import Synchronization

/// A small HTTP/1.1 server on non-blocking sockets: one `EventLoop` thread per core reads, parses
/// and answers its connections' requests (fast handlers inline), slow handlers run on a Dispatch
/// queue. It accepts connections, enforces `ServerLimits`, routes requests through a `Router` and
/// shuts down gracefully. It knows nothing about what it serves.
public final class HTTPServer: Sendable {
    /// Where to listen and how to behave.
    public struct Configuration: Sendable {
        /// A numeric IPv4/IPv6 address or a host name; `0.0.0.0` or `::` for every interface.
        public var host: String
        /// 0 picks a free port (read it back from `start()`).
        public var port: Int
        public var limits: ServerLimits
        /// The `Server` header value.
        public var serverName: String
        public var backlog: Int32
        /// How long shutdown waits for in-flight requests before closing their connections.
        public var shutdownGracePeriod: Double
        /// Event-loop threads; connections are spread over them. Default: one per core.
        public var eventLoops: Int
        /// The time the limits' timeouts are measured on.
        public var clock: UptimeClock

        public init(
            host: String = "127.0.0.1", port: Int = 8080, limits: ServerLimits = ServerLimits(),
            serverName: String = "novarec", backlog: Int32 = 1024, shutdownGracePeriod: Double = 10,
            eventLoops: Int = ProcessInfo.processInfo.activeProcessorCount, clock: UptimeClock = .system
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.serverName = serverName
            self.backlog = backlog
            self.shutdownGracePeriod = shutdownGracePeriod
            self.eventLoops = max(1, eventLoops)
            self.clock = clock
        }
    }

    private struct State {
        var listener: Listener?
        var loops: [EventLoop] = []
        var connections: [UInt64: HTTPConnection] = [:]
        var nextConnectionID: UInt64 = 0
        var shuttingDown = false
        var drainedSignalled = false
    }

    public let configuration: Configuration
    public let metrics: ServerMetrics
    private let context: ConnectionContext
    private let logger: Logger
    private let state = Mutex(State())
    private let drained = DispatchSemaphore(value: 0)
    /// The answer to a connection over the limit, written without reading the request.
    private let connectionLimitResponse = HTTPResponse.problem(
        ProblemDetails(status: .serviceUnavailable, detail: "The server is at its connection limit; retry later."))

    public init(
        configuration: Configuration, router: Router, logger: Logger = Logger(label: "novarec.http"),
        metrics: ServerMetrics = ServerMetrics()
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.context = ConnectionContext(
            router: router, limits: configuration.limits, logger: logger, metrics: metrics,
            serverName: configuration.serverName)
    }

    /// Binds, listens and starts accepting. Returns the bound address, e.g. `127.0.0.1:8080`
    /// (with the real port when the configuration asked for 0). `verify` sees the bound address
    /// before the first connection is accepted; when it throws, the socket is closed and the error
    /// rethrown (a policy such as "no open writes on a public interface" decides on the address
    /// actually bound, not on the host name asked for). Ignores SIGPIPE process-wide, so a client
    /// that disconnects mid-response cannot kill the process.
    @discardableResult
    public func start(verifying verify: (BoundAddress) throws -> Void = { _ in }) throws -> BoundAddress {
        signal(SIGPIPE, SIG_IGN)
        let listener = try Listener(host: configuration.host, port: configuration.port, backlog: configuration.backlog) { [self] fd in
            accepted(fd)
        }
        let address = BoundAddress(description: listener.address, port: listener.port, isLoopback: listener.isLoopback)
        let loops: [EventLoop]
        do {
            try verify(address)
            loops = try (0..<configuration.eventLoops).map { _ in try EventLoop(clock: configuration.clock) }
        } catch {
            listener.discard()
            throw error
        }
        for (index, loop) in loops.enumerated() { loop.start(name: "novarec.http.loop\(index)") }
        context.listenerIsLoopback.store(address.isLoopback, ordering: .releasing)
        state.withLock { state in
            state.listener = listener
            state.loops = loops
        }
        listener.start(on: loops[0])
        return address
    }

    /// Blocks until SIGTERM or SIGINT, then shuts down gracefully.
    public func runUntilTerminated() {
        let signal = TerminationSignal.wait(for: [SIGTERM, SIGINT])
        logger.notice("received signal \(signal), shutting down")
        shutdown()
    }

    /// Stops accepting, closes idle connections, lets in-flight requests finish for up to the
    /// grace period, then closes whatever is left and ends the event loops. Blocks until done;
    /// safe to call more than once.
    public func shutdown() {
        let (listener, loops, connections, alreadyShuttingDown) = state.withLock { state in
            defer {
                state.shuttingDown = true
                state.listener = nil
            }
            return (state.listener, state.loops, Array(state.connections.values), state.shuttingDown)
        }
        guard !alreadyShuttingDown else { return }
        defer { loops.forEach { $0.stop() } }
        listener?.stop()
        connections.forEach { $0.beginShutdown() }
        signalIfDrained()
        guard drained.wait(timeout: .now() + configuration.shutdownGracePeriod) == .timedOut else { return }
        let stragglers = state.withLock { Array($0.connections.values) }
        logger.warning("shutdown grace period over; closing \(stragglers.count) connection(s)")
        stragglers.forEach { $0.forceClose() }
        _ = drained.wait(timeout: .now() + 1)
    }

    /// Has every event loop handle what is ready now and check its connections' deadlines, and
    /// returns once each has (false when a loop did not within 15 s). Twice over: a connection
    /// the first pass accepted starts on its loop after that loop's check. A loop wakes for the
    /// next deadline by itself; this is for a clock that jumps (a test's manual `UptimeClock`).
    func checkDeadlinesNow() -> Bool {
        let loops = state.withLock { $0.loops }
        for _ in 0..<2 {
            for loop in loops {
                let done = DispatchSemaphore(value: 0)
                loop.checkNow { done.signal() }
                guard done.wait(timeout: .now() + 15) == .success else { return false }
            }
        }
        return true
    }

    private func accepted(_ fd: Int32) {
        let connection: HTTPConnection? = state.withLock { state in
            guard !state.shuttingDown else { return nil }
            guard state.connections.count < configuration.limits.maxConnections || reclaimIdleConnection(&state) else { return nil }
            state.nextConnectionID += 1
            let loop = state.loops[Int(state.nextConnectionID % UInt64(state.loops.count))]
            let connection = HTTPConnection(fd: fd, id: state.nextConnectionID, loop: loop, context: context) { [self] in closed($0) }
            state.connections[connection.id] = connection
            metrics.connectionOpened()
            connection.start()
            return connection
        }
        guard connection == nil else { return }
        metrics.connectionRejected()
        logger.debug("connection limit \(configuration.limits.maxConnections) reached; answered 503")
        Socket.answerAndClose(
            fd,
            context.serializer.serialize(
                connectionLimitResponse, headOnly: false, keepAlive: false,
                version: .http1_1))
    }

    /// At the connection cap: closes one kept-alive connection that waits between requests, so a
    /// new client is served instead of refused; false when every connection is busy.
    private func reclaimIdleConnection(_ state: inout State) -> Bool {
        for connection in state.connections.values where connection.reclaimIfIdle() {
            state.connections.removeValue(forKey: connection.id)
            logger.debug("connection limit \(configuration.limits.maxConnections) reached; closed idle keep-alive connection \(connection.id)")
            return true
        }
        return false
    }

    private func closed(_ connection: HTTPConnection) {
        state.withLock { _ = $0.connections.removeValue(forKey: connection.id) }
        metrics.connectionClosed()
        signalIfDrained()
    }

    private func signalIfDrained() {
        let signal = state.withLock { state in
            guard state.shuttingDown, state.connections.isEmpty, !state.drainedSignalled else { return false }
            state.drainedSignalled = true
            return true
        }
        if signal { drained.signal() }
    }
}

/// Where a started server listens.
public struct BoundAddress: Sendable, CustomStringConvertible {
    /// `host:port`, or `[host]:port` for IPv6.
    public let description: String
    public let port: Int
    /// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8: only this machine can connect.
    public let isLoopback: Bool

    public init(description: String, port: Int, isLoopback: Bool) {
        self.description = description
        self.port = port
        self.isLoopback = isLoopback
    }
}
