import Synchronization

/// The server-wide allowance of request-body bytes being received at once: each connection
/// reserves its body's bound when the head arrives and gives it back once the request is
/// answered, so thousands of slow uploads cannot pin thousands of full bodies in memory.
final class BodyBudget: Sendable {
    private let capacity: Int
    private let reserved = Mutex(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Reserves `bytes` when they fit, or when nothing is reserved (so a body larger than the
    /// whole budget is still served, one at a time); false when they must wait.
    func reserve(_ bytes: Int) -> Bool {
        reserved.withLock { total in
            guard total == 0 || bytes <= capacity - total else { return false }
            total += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        reserved.withLock { $0 -= bytes }
    }

    /// Bytes reserved now.
    var inFlight: Int { reserved.withLock { $0 } }
}
