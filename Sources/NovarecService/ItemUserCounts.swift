import NovarecStore

/// Distinct users per item id, counted from stored interactions streamed in user order (each
/// user's rows together): the popularity a replica starts with when its model does not carry
/// its own, and the popularity catalogue while there is no model.
struct ItemUserCounts {
    private(set) var counts: [String: Int] = [:]
    /// Distinct users seen.
    private(set) var users = 0
    private var user: String?
    private var seen: Set<String> = []

    mutating func add(_ row: StoredInteractions.Row) {
        if row.user != user {
            (user, users) = (row.user, users + 1)
            seen.removeAll(keepingCapacity: true)
        }
        if seen.insert(row.item).inserted { counts[row.item, default: 0] += 1 }
    }

    /// The `limit` ids the most users interacted with (every id when there are no more).
    func mostCommon(_ limit: Int) -> [String] {
        guard counts.count > limit else { return Array(counts.keys) }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(max(limit, 0)).map(\.key)
    }
}
