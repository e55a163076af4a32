/// Bounds on what one client may cost the server, each with a safe default. Sizes are in bytes,
/// times in seconds. Exceeding a size answers 431/413 and closes; running out of connections
/// answers 503 and closes; a timeout answers 408 (or closes an idle connection silently).
public struct ServerLimits: Sendable, Equatable {
    /// Request line plus header fields (and chunked trailers); beyond it: 431.
    public var maxHeaderBytes = 16 * 1024
    /// Header fields per request; beyond it: 431.
    public var maxHeaderCount = 100
    /// Request body after de-chunking; beyond it: 413 (before reading it, when the length is declared).
    public var maxBodyBytes = 1024 * 1024
    /// Simultaneously open connections; one more is answered 503 and closed.
    public var maxConnections = 4096
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

    public init(maxHeaderBytes: Int? = nil, maxHeaderCount: Int? = nil, maxBodyBytes: Int? = nil,
                maxConnections: Int? = nil, headerTimeout: Double? = nil, idleTimeout: Double? = nil,
                bodyTimeout: Double? = nil, writeTimeout: Double? = nil) {
        self.maxHeaderBytes = maxHeaderBytes ?? self.maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount ?? self.maxHeaderCount
        self.maxBodyBytes = maxBodyBytes ?? self.maxBodyBytes
        self.maxConnections = maxConnections ?? self.maxConnections
        self.headerTimeout = headerTimeout ?? self.headerTimeout
        self.idleTimeout = idleTimeout ?? self.idleTimeout
        self.bodyTimeout = bodyTimeout ?? self.bodyTimeout
        self.writeTimeout = writeTimeout ?? self.writeTimeout
    }
}
