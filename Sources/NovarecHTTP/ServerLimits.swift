/// Bounds on what one client may cost the server, each with a safe default. Sizes are in bytes,
/// times in seconds. Exceeding a size answers 431/413 and closes; running out of connections
/// first reclaims an idle keep-alive connection, then answers 503 and closes; bodies beyond the
/// server-wide budget answer 503 with `Retry-After`; a timeout answers 408 (or closes an idle
/// connection silently).
public struct ServerLimits: Sendable, Equatable {
    /// Request line plus header fields (and chunked trailers); beyond it: 431.
    public var maxHeaderBytes = 16 * 1024
    /// Header fields per request; beyond it: 431.
    public var maxHeaderCount = 100
    /// Request body after de-chunking; beyond it: 413 (before reading it, when the length is declared).
    public var maxBodyBytes = 1024 * 1024
    /// Body bytes all connections together may be receiving at once, so that `maxConnections`
    /// slow uploads of `maxBodyBytes` each cannot all be held in memory. A body's declared length
    /// (`maxBodyBytes` for a chunked one) is reserved when its head arrives and released once its
    /// request is answered; a body that does not fit is answered 503 with `Retry-After` before it
    /// is read. One body is always admitted when none is in flight.
    public var maxBodyBytesInFlight = 64 * 1024 * 1024
    /// Simultaneously open connections; one more reclaims an idle keep-alive connection, or,
    /// when none is idle, is answered 503 and closed.
    public var maxConnections = 4096
    /// Requests one connection may carry (nginx's `keepalive_requests`); the last one's response
    /// says `Connection: close`, so no client holds a connection forever.
    public var maxRequestsPerConnection = 1000
    /// Time for a complete request head, from connection accept or from its first byte on a
    /// kept-alive connection (the slowloris guard).
    public var headerTimeout = 10.0
    /// Time a kept-alive connection may wait for the next request's first byte.
    public var idleTimeout = 60.0
    /// Time for a complete body once its head has arrived; beyond it: 408.
    public var bodyTimeout = 30.0
    /// Time a response may sit unsent because the client does not read.
    public var writeTimeout = 30.0

    public init() {}

    public init(
        maxHeaderBytes: Int? = nil, maxHeaderCount: Int? = nil, maxBodyBytes: Int? = nil, maxBodyBytesInFlight: Int? = nil,
        maxConnections: Int? = nil, maxRequestsPerConnection: Int? = nil, headerTimeout: Double? = nil, idleTimeout: Double? = nil,
        bodyTimeout: Double? = nil, writeTimeout: Double? = nil
    ) {
        self.maxHeaderBytes = maxHeaderBytes ?? self.maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount ?? self.maxHeaderCount
        self.maxBodyBytes = maxBodyBytes ?? self.maxBodyBytes
        self.maxBodyBytesInFlight = maxBodyBytesInFlight ?? self.maxBodyBytesInFlight
        self.maxConnections = maxConnections ?? self.maxConnections
        self.maxRequestsPerConnection = maxRequestsPerConnection ?? self.maxRequestsPerConnection
        self.headerTimeout = headerTimeout ?? self.headerTimeout
        self.idleTimeout = idleTimeout ?? self.idleTimeout
        self.bodyTimeout = bodyTimeout ?? self.bodyTimeout
        self.writeTimeout = writeTimeout ?? self.writeTimeout
    }
}
