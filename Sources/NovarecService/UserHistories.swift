import Synchronization

/// Each user's recent items (external ids, oldest first), kept in memory and updated by every
/// accepted event so that the very next request sees it. Bounded per user.
public final class UserHistories: Sendable {
    /// A user's recent items and how many items were ever appended for them: the revision
    /// changes with every event, so caches keyed on it never serve a stale history.
    public struct Entry: Sendable {
        public var items: [String] = []
        public var revision = 0
    }

    private let histories = Mutex([String: Entry]())
    private let limit: Int

    public init(limit: Int = 200) { self.limit = limit }

    public func append(user: String, items: [String]) {
        histories.withLock { all in
            var entry = all[user, default: Entry()]
            entry.items += items
            entry.revision += items.count
            if entry.items.count > limit { entry.items.removeFirst(entry.items.count - limit) }
            all[user] = entry
        }
    }

    public func entry(of user: String) -> Entry? { histories.withLock { $0[user] } }

    public func history(of user: String) -> [String]? { entry(of: user)?.items }

    public var userCount: Int { histories.withLock { $0.count } }
}
