import NovarecStore

/// What a read of the whole store leaves the histories (start-up, reload): users with their
/// newest items, oldest first, the least recently active user first.
public struct CollectedHistories: Sendable {
    public var users: [(user: String, items: [String])]
    /// Users were left out (the store held more than the budget): their histories are in the store only.
    public var truncated = false
    /// Interactions read.
    public var rows = 0

    public init(users: [(user: String, items: [String])], truncated: Bool = false, rows: Int = 0) {
        (self.users, self.truncated, self.rows) = (users, truncated, rows)
    }
}

/// Collects, from stored interactions streamed in user then time order, what the histories
/// keep: the newest `limit` items of the `maxUsers` most recently active users. So a start-up
/// or reload read holds no more than the histories will, whatever the size of the events table.
struct HistoryCollector {
    /// One user's kept history, ordered by their last interaction.
    private struct Kept: Comparable {
        let lastTime: Double
        let user: String
        let items: [String]

        static func < (lhs: Kept, rhs: Kept) -> Bool { (lhs.lastTime, lhs.user) < (rhs.lastTime, rhs.user) }
        static func == (lhs: Kept, rhs: Kept) -> Bool { (lhs.lastTime, lhs.user) == (rhs.lastTime, rhs.user) }
    }

    private let limit: Int
    private var kept: GreatestElements<Kept>
    private var user: String?
    private var items: [String] = []
    private var lastTime = 0.0
    private var users = 0
    private var rows = 0

    init(limit: Int, maxUsers: Int) {
        self.limit = max(limit, 1)
        kept = GreatestElements(capacity: maxUsers)
    }

    /// Takes one interaction; a user's interactions come together, in time order.
    mutating func add(_ row: StoredInteractions.Row) { add(user: row.user, item: row.item, time: row.time) }

    mutating func add(user: String, item: String, time: Double) {
        rows += 1
        if user != self.user {
            finishUser()
            self.user = user
        }
        items.append(item)
        lastTime = time
        if items.count >= 2 * limit { items.removeFirst(items.count - limit) }
    }

    /// The histories kept, the least recently active user first.
    mutating func finish() -> CollectedHistories {
        finishUser()
        user = nil
        var taken = GreatestElements<Kept>(capacity: kept.capacity)
        swap(&taken, &kept)
        let ordered = taken.ascending()
        return CollectedHistories(users: ordered.map { ($0.user, $0.items) }, truncated: users > ordered.count, rows: rows)
    }

    private mutating func finishUser() {
        guard let user else { return }
        users += 1
        kept.offer(Kept(lastTime: lastTime, user: user, items: Array(items.suffix(limit))))
        items.removeAll(keepingCapacity: true)
    }
}
