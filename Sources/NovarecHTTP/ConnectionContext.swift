import Dispatch
import Logging
import Synchronization

/// What every connection of one server shares: routing, limits, logging, metrics, the response
/// serializer and the queue slow handlers run on.
final class ConnectionContext: Sendable {
    let router: Router
    let limits: ServerLimits
    let logger: Logger
    let metrics: ServerMetrics
    let serializer: HTTPResponseSerializer
    /// Concurrent: handlers not registered `inline` run here, so a slow one never holds up an
    /// event loop.
    let handlerQueue: DispatchQueue
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
    }
}
