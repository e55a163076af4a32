import Synchronization

/// Whether a kept-alive connection sits between requests, readable from any thread: at the
/// connection cap the server reclaims such a connection for a new client instead of refusing
/// the client. The connection leaves the mark when its next request's first byte arrives; the
/// compare-and-exchange decides a race between that byte and a reclaim, so a connection is never
/// closed under a request it has started to read.
final class IdleMark: Sendable {
    private static let busy: UInt8 = 0, idle: UInt8 = 1, reclaimed: UInt8 = 2

    private let state = Atomic<UInt8>(IdleMark.busy)

    /// The connection finished a response and waits for the next request.
    func enterIdle() {
        _ = state.compareExchange(expected: Self.busy, desired: Self.idle, ordering: .acquiringAndReleasing)
    }

    /// Bytes of a next request arrived; false when the connection was reclaimed meanwhile (it is
    /// closing and must ignore them).
    func leaveIdle() -> Bool {
        let (_, original) = state.compareExchange(expected: Self.idle, desired: Self.busy, ordering: .acquiringAndReleasing)
        return original != Self.reclaimed
    }

    /// Claims an idle connection for closing; false when it is busy (or already reclaimed).
    func reclaim() -> Bool {
        state.compareExchange(expected: Self.idle, desired: Self.reclaimed, ordering: .acquiringAndReleasing).exchanged
    }
}
