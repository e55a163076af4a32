import Synchronization

/// Each user's recent items (external ids, oldest first), kept in memory and updated by every
/// accepted event so that the very next request sees it. Bounded per user.
public final class UserHistories: Sendable {
    private let histories = Mutex([String: [String]]())
    private let limit: Int

    public init(limit: Int = 200) { self.limit = limit }

    public func append(user: String, items: [String]) {
        histories.withLock { all in
            var history = all[user, default: []]
            history += items
            if history.count > limit { history.removeFirst(history.count - limit) }
            all[user] = history
        }
    }

    public func history(of user: String) -> [String]? { histories.withLock { $0[user] } }

    public var userCount: Int { histories.withLock { $0.count } }
}
