import Synchronization

/// How often each shopper was shown each item without acting on it: the memory behind rotation
/// ("nothing is new the fifth time you see it"). Fed by `impression` events; an interaction
/// with an item clears its count (the item joins the history and is never recommended again
/// anyway). Bounded: at most `itemsPerUser` items per shopper (the most recently shown) and
/// two generations of `users / 2` shoppers, the older dropped whole when the newer fills up.
public final class ImpressionLog: Sendable {
    private let generations: Mutex<GenerationalMap<[String: Int]>>
    private let itemsPerUser: Int

    public init(users: Int = 100_000, itemsPerUser: Int = 500) {
        generations = Mutex(GenerationalMap(capacity: users))
        self.itemsPerUser = itemsPerUser
    }

    /// Counts one showing of each `(user, item)`.
    public func record(_ shown: [(user: String, item: String)]) {
        // Dropped generations are returned and released after the lock.
        _ = generations.withLock { map -> [[String: [String: Int]]] in
            var dropped: [[String: [String: Int]]] = []
            for (user, item) in shown {
                var counts = map.peek(user) ?? [:]
                counts[item, default: 0] += 1
                if counts.count > itemsPerUser, let least = counts.min(by: { $0.value < $1.value })?.key { counts[least] = nil }
                dropped.append(map.set(user, counts))
            }
            return dropped
        }
    }

    /// Forgets everything shown to `user` (an erased shopper).
    public func forget(user: String) {
        _ = generations.withLock { $0.remove(user) }
    }

    /// Forgets the showings of items the shopper then interacted with.
    public func clear(_ interactions: [(user: String, item: String)]) {
        generations.withLock { map in
            for (user, item) in interactions where map.peek(user)?[item] != nil {
                var counts = map.peek(user) ?? [:]
                counts[item] = nil
                _ = map.set(user, counts)
            }
        }
    }

    /// The shopper's showings by item id (empty for none).
    public func counts(for user: String) -> [String: Int] {
        generations.withLock { $0.peek(user) ?? [:] }
    }
}
