import Dispatch
import Logging
import Synchronization

/// What every connection of one server shares: routing, limits, logging, metrics, the response
/// serializer and the queues work runs on.
final class ConnectionContext: Sendable {
    let router: Router
    let limits: ServerLimits
    let logger: Logger
    let metrics: ServerMetrics
    let serializer: HTTPResponseSerializer
    /// Concurrent: handlers run here, so a slow one never holds up a connection's I/O.
    let handlerQueue: DispatchQueue
    /// The target of every connection's serial queue.
    let ioQueue: DispatchQueue
    /// Whether the listening socket is bound to a loopback address (set once the server bound it).
    let listenerIsLoopback = Atomic<Bool>(false)
    /// Request-body bytes all connections may be receiving at once.
    let bodyBudget: BodyBudget

    init(router: Router, limits: ServerLimits, logger: Logger, metrics: ServerMetrics, serverName: String) {
        self.router = router
        self.limits = limits
        self.bodyBudget = BodyBudget(capacity: limits.maxBodyBytesInFlight)
        self.logger = logger
        self.metrics = metrics
        self.serializer = HTTPResponseSerializer(serverName: serverName, date: HTTPDate())
        self.handlerQueue = DispatchQueue(label: "novarec.http.handlers", attributes: .concurrent)
        self.ioQueue = DispatchQueue(label: "novarec.http.io", qos: .userInitiated, attributes: .concurrent)
    }
}
