import CLibPQ
import Foundation

/// PostgreSQL `LISTEN`/`NOTIFY` on a connection, so replicas learn of changes another replica
/// committed (e.g. a newly accepted model) without polling tables.
///
/// A listening connection must be dedicated to listening: notifications are read off the
/// socket between statements, and a connection shared with other work would make
/// `notifications(timeout:)` compete with those statements for the lock and the input.
extension PostgresConnection {
    /// Subscribes this session to `channel` (lower-case letters and underscores only).
    public func listen(_ channel: String) throws(PostgresError) {
        let valid =
            !channel.isEmpty
            && channel.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        guard valid else { throw PostgresError("invalid notification channel name \"\(channel)\"") }
        try query("LISTEN \"\(channel)\"")
    }

    /// Waits up to `timeout` seconds for notifications on the channels this session listens to
    /// and returns them in arrival order: at once when some are already waiting,
    /// empty when none came in time (a timeout beyond a day waits a day). The wait (`poll(2)` on
    /// the socket) does not hold the connection's lock. Throws when the connection is broken, so
    /// the caller can reconnect.
    public func notifications(timeout: Double) throws(PostgresError) -> [PostgresNotification] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(min(max(timeout, 0), 86_400)))
        var payloads = try receivedNotifications()
        while payloads.isEmpty {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            try waitForInput(upTo: remaining)
            payloads = try receivedNotifications()
        }
        return payloads
    }

    /// Reads whatever the server sent and takes the notifications libpq has queued.
    private func receivedNotifications() throws(PostgresError) -> [PostgresNotification] {
        try withConnection { connection throws(PostgresError) in
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else {
                let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
                throw PostgresError("listening connection lost: \(message)", isUnavailable: true)
            }
            var payloads: [PostgresNotification] = []
            while let notification = PQnotifies(connection) {
                payloads.append(
                    PostgresNotification(
                        channel: String(cString: notification.pointee.relname),
                        payload: String(cString: notification.pointee.extra)))
                PQfreemem(notification)
            }
            return payloads
        }
    }

    /// Blocks until the socket is readable (or hung up) or `duration` passed; an interrupted
    /// wait returns early, which the caller's loop absorbs.
    private func waitForInput(upTo duration: Duration) throws(PostgresError) {
        let socket = withConnection { PQsocket($0) }
        guard socket >= 0 else { throw PostgresError("listening connection lost: no socket") }
        let (seconds, attoseconds) = duration.components
        let milliseconds = min(Int64(Int32.max), seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(milliseconds)) >= 0 || errno == EINTR else {
            throw PostgresError("waiting for notifications failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// One notification: the channel it was sent on and its payload.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
}
