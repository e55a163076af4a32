import Foundation
import Synchronization

/// A few connections to one database shared by request handlers, so one slow statement does
/// not queue every other behind it and an outage heals by itself: a connection libpq saw break
/// is dropped (with every idle one, which a restarted server broke too) and a new one is opened
/// on demand; after a failed connect none is tried again until a backoff passed (0.25 s,
/// doubling to 4 s), so during an outage callers fail at once instead of each waiting out a
/// connect timeout. A caller waits at most `acquireTimeout` for a free connection. Every
/// failure to get one is a `PostgresError` with `isUnavailable` set.
public final class PostgresPool: PostgresClient {
    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections open, idle or lent.
        var open = 0
        var backoff: Double = 0
        var nextAttempt: ContinuousClock.Instant?
        var lastError = ""
    }

    public let size: Int
    public let acquireTimeout: Double
    private let connect: @Sendable () throws -> PostgresConnection
    private let state = Mutex(State())
    private let available = NSCondition()

    public init(size: Int = 4, acquireTimeout: Double = 2, connect: @escaping @Sendable () throws -> PostgresConnection) {
        self.size = max(size, 1)
        self.acquireTimeout = acquireTimeout
        self.connect = connect
    }

    public convenience init(_ connectionString: String, size: Int = 4, settings: ConnectionSettings = ConnectionSettings()) {
        self.init(size: size) { try PostgresConnection(connectionString, settings: settings) }
    }

    public func lease<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Connections open now (idle or lent), for metrics.
    public var openConnections: Int { state.withLock { $0.open } }

    private enum Claim {
        case idle(PostgresConnection)
        case openNew
        case wait
        case fail(String)
    }

    private func acquire() throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(acquireTimeout)
        while true {
            switch claim() {
            case .idle(let connection): return connection
            case .openNew: return try openNew()
            case .fail(let reason): throw PostgresError("database unavailable: \(reason)", isUnavailable: true)
            case .wait:
                // A short slice: a release between `claim` and this wait must not be missed for long.
                available.lock()
                _ = available.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
                available.unlock()
                guard Date() < deadline else {
                    throw PostgresError("database busy: all \(size) connections in use for \(acquireTimeout) s", isUnavailable: true)
                }
            }
        }
    }

    private func claim() -> Claim {
        state.withLock { state in
            if let connection = state.idle.popLast() { return .idle(connection) }
            guard state.open < size else { return .wait }
            if let next = state.nextAttempt, ContinuousClock.now < next { return .fail(state.lastError) }
            state.open += 1
            return .openNew
        }
    }

    private func openNew() throws -> PostgresConnection {
        do {
            let connection = try connect()
            state.withLock {
                $0.backoff = 0
                $0.nextAttempt = nil
            }
            return connection
        } catch {
            state.withLock { state in
                state.open -= 1
                state.backoff = min(max(state.backoff * 2, 0.25), 4)
                state.nextAttempt = ContinuousClock.now.advanced(by: .seconds(state.backoff))
                state.lastError = "\(error)"
            }
            signal()
            throw PostgresError("\(error)", isUnavailable: true)
        }
    }

    /// Back into the pool, or dropped with every idle connection when libpq saw it break.
    private func release(_ connection: PostgresConnection) {
        let healthy = connection.isOpen
        let dropped = state.withLock { state -> [PostgresConnection] in
            guard !healthy else {
                state.idle.append(connection)
                return []
            }
            let dropped = state.idle
            state.open -= 1 + dropped.count
            state.idle = []
            return dropped
        }
        _ = dropped  // closed here, outside the lock
        signal()
    }

    private func signal() {
        available.lock()
        available.broadcast()
        available.unlock()
    }
}
