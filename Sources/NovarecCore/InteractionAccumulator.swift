/// Collects raw `(user, item, time)` interactions from any reader and turns them into a
/// `Dataset`: vocabularies in natural id order and per-user sequences sorted by
/// `(time, tie-break)`.
struct InteractionAccumulator {
    private struct Event {
        let item: String
        let time: Double
        let tieBreak: Int64
    }

    private var eventsByUser: [String: [Event]] = [:]

    mutating func add(user: String, item: String, time: Double, tieBreak: Int64) {
        eventsByUser[user, default: []].append(Event(item: item, time: time, tieBreak: tieBreak))
    }

    /// - Parameter timed: whether the times added are real Unix times worth keeping.
    func build(name: String, timed: Bool, metadata: [String: ItemMetadata] = [:]) -> Dataset {
        let users = Vocabulary(distinctIDs: eventsByUser.keys)
        let items = Vocabulary(distinctIDs: eventsByUser.values.lazy.flatMap { $0.lazy.map(\.item) })
        let ordered = users.ids.map { user in
            eventsByUser[user]!.sorted { ($0.time, $0.tieBreak) < ($1.time, $1.tieBreak) }
        }
        let sequences = ordered.map { events in events.map { items.index(of: $0.item)! } }
        var itemMetadata: [Int32: ItemMetadata] = [:]
        for (id, meta) in metadata {
            if let index = items.index(of: id) { itemMetadata[index] = meta }
        }
        return Dataset(
            name: name, users: users, items: items, sequences: sequences,
            timestamps: timed ? ordered.map { events in events.map(\.time) } : nil, itemMetadata: itemMetadata)
    }
}
