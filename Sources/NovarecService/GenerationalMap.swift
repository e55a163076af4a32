/// Two generations of at most `generationSize` entries each: an approximate least-recently-used
/// bound that costs O(1) per operation (as `CandidateCache` and `ImpressionLog` keep their
/// users). A write, or a `touch` of an entry in the older generation, moves it to the newer;
/// when the newer fills up, the older is dropped whole and the newer becomes the older.
struct GenerationalMap<Value> {
    private var current: [String: Value] = [:]
    private var previous: [String: Value] = [:]
    let generationSize: Int

    /// - Parameter capacity: entries kept at most (two generations of `capacity / 2`, at least 1 each).
    init(capacity: Int) { generationSize = max(capacity / 2, 1) }

    var count: Int { current.count + previous.count }

    /// Both generations, for a caller that releases them when it suits it.
    var generations: [[String: Value]] { [current, previous] }

    /// The value under `key`, where it is.
    func peek(_ key: String) -> Value? { current[key] ?? previous[key] }

    /// The value under `key`, moved into the newer generation; also returns the generation
    /// dropped to make room (empty when none was).
    mutating func touch(_ key: String) -> (value: Value?, dropped: [String: Value]) {
        if let value = current[key] { return (value, [:]) }
        guard let value = previous.removeValue(forKey: key) else { return (nil, [:]) }
        return (value, set(key, value))
    }

    /// Files `value` under `key` in the newer generation; returns the generation dropped to make
    /// room (empty when none was), for the caller to release when it suits it.
    @discardableResult
    mutating func set(_ key: String, _ value: Value) -> [String: Value] {
        var dropped: [String: Value] = [:]
        if current[key] == nil, current.count >= generationSize {
            dropped = previous
            previous = current
            current = Dictionary(minimumCapacity: generationSize)
        }
        current[key] = value
        previous[key] = nil
        return dropped
    }

    /// Lets `body` change every value in place.
    mutating func updateEach(_ body: (String, inout Value) -> Void) {
        for index in current.indices { body(current.keys[index], &current.values[index]) }
        for index in previous.indices { body(previous.keys[index], &previous.values[index]) }
    }

    @discardableResult
    mutating func remove(_ key: String) -> Value? {
        current.removeValue(forKey: key) ?? previous.removeValue(forKey: key)
    }
}
