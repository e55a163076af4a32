import Synchronization

/// How often each shopper was shown each item without acting on it: the memory behind rotation
/// ("nothing is new the fifth time you see it"). Fed by `impression` events; an interaction
/// with an item clears its count (the item joins the history and is never recommended again
/// anyway). Bounded: at most `itemsPerUser` items per shopper (the most recently shown) and
/// two generations of `users / 2` shoppers, the older dropped whole when the newer fills up.
public final class ImpressionLog: Sendable {
    private struct Generations {
        var current: [String: [String: Int]] = [:]
        var previous: [String: [String: Int]] = [:]
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int
    private let itemsPerUser: Int

    public init(users: Int = 100_000, itemsPerUser: Int = 500) {
        generationSize = max(users / 2, 1)
        self.itemsPerUser = itemsPerUser
    }

    /// Counts one showing of each `(user, item)`.
    public func record(_ shown: [(user: String, item: String)]) {
        _ = generations.withLock { generations -> [String: [String: Int]] in
            var dropped: [String: [String: Int]] = [:]
            for (user, item) in shown {
                var counts = generations.current[user] ?? generations.previous.removeValue(forKey: user) ?? [:]
                counts[item, default: 0] += 1
                if counts.count > itemsPerUser, let least = counts.min(by: { $0.value < $1.value })?.key { counts[least] = nil }
                if generations.current[user] == nil, generations.current.count >= generationSize {
                    dropped = generations.previous
                    (generations.previous, generations.current) = (generations.current, [:])
                }
                generations.current[user] = counts
            }
            return dropped
        }
    }

    /// Forgets everything shown to `user` (an erased shopper).
    public func forget(user: String) {
        _ = generations.withLock { ($0.current.removeValue(forKey: user), $0.previous.removeValue(forKey: user)) }
    }

    /// Forgets the showings of items the shopper then interacted with.
    public func clear(_ interactions: [(user: String, item: String)]) {
        generations.withLock { generations in
            for (user, item) in interactions {
                generations.current[user]?[item] = nil
                generations.previous[user]?[item] = nil
            }
        }
    }

    /// The shopper's showings by item id (empty for none).
    public func counts(for user: String) -> [String: Int] {
        generations.withLock { $0.current[user] ?? $0.previous[user] ?? [:] }
    }
}
