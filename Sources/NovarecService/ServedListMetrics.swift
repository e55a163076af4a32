import Synchronization

/// Beyond-accuracy figures of what the service actually served (catalogue coverage, long-tail
/// share, mean novelty) over a sliding window of the most recent recommendation lists, for
/// `/metrics`. Offline evaluation says what a model *could* do; these say whether the novelty
/// dial and the model really move coverage, long tail and novelty in production (`/metrics`
/// shows them, `ServiceMetrics`).
///
/// Called once per served list on the request hot path: `record` costs O(1) under one short
/// lock (the sums are kept incrementally, added when a list enters the window and subtracted
/// when it falls out). The distinct items behind coverage are counted when the figures are read
/// (a scrape), from a snapshot of the window taken under the lock and counted outside it:
/// counting them per list cost 20 string hashes per request, 5 % of a cached request's CPU.
public final class ServedListMetrics: Sendable {
    /// One served list as the window keeps it. Novelty is in integer billionths, so subtracting
    /// an evicted list restores the window's sum exactly (a `Double` sum would drift).
    private struct ServedList {
        let items: [String]
        let noveltyBillionths: Int
        let tailItems: Int
    }

    /// The window's figures at one moment.
    public struct Figures: Equatable, Sendable {
        /// Distinct items served in the window / catalogue size (at most 1; 0 without a catalogue).
        public var coverage: Double
        /// Long-tail items / items served, in the window.
        public var longTailShare: Double
        /// Mean of the lists' mean normalised novelty, in the window.
        public var meanNovelty: Double
        /// Lists in the window.
        public var windowLists: Int
        /// Lists recorded since start.
        public var listsTotal: Int
    }

    /// A ring of the last `capacity` lists and running sums over them.
    private struct Window {
        var lists: [ServedList] = []
        /// Where the next list goes once the ring is full (there, the oldest list).
        var oldest = 0
        var items = 0
        var tailItems = 0
        var noveltyBillionths = 0
        var catalogueSize = 0
        var listsTotal = 0

        /// Adds `list`, returning the list it evicts, if any.
        mutating func push(_ list: ServedList, capacity: Int) -> ServedList? {
            listsTotal += 1
            add(list, sign: 1)
            guard lists.count == capacity else {
                lists.append(list)
                return nil
            }
            let evicted = lists[oldest]
            lists[oldest] = list
            oldest = (oldest + 1) % capacity
            add(evicted, sign: -1)
            return evicted
        }

        private mutating func add(_ list: ServedList, sign: Int) {
            items += sign * list.items.count
            tailItems += sign * list.tailItems
            noveltyBillionths += sign * list.noveltyBillionths
        }

        /// The figures, with `distinct` items served in the window.
        func figures(distinct: Int) -> Figures {
            Figures(
                coverage: catalogueSize > 0 ? min(Double(distinct) / Double(catalogueSize), 1) : 0,
                longTailShare: items > 0 ? Double(tailItems) / Double(items) : 0,
                meanNovelty: lists.isEmpty ? 0 : Double(noveltyBillionths) / (billion * Double(lists.count)),
                windowLists: lists.count, listsTotal: listsTotal)
        }
    }

    private static let billion = 1e9
    private let window: Mutex<Window>
    private let windowLists: Int

    /// - Parameter windowLists: the most recent lists the figures cover (at least 1).
    public init(windowLists: Int = 10_000) {
        precondition(windowLists > 0, "the window must hold at least one list")
        var window = Window()
        window.lists.reserveCapacity(windowLists)
        self.window = Mutex(window)
        self.windowLists = windowLists
    }

    /// Records one served list, as the response carries it.
    /// - Parameters:
    ///   - items: the served item ids, in order (ids, not indices, so the window survives model swaps).
    ///   - meanNovelty: the list's mean normalised novelty (`Ranking.meanNovelty`), clamped to [0, 1].
    ///   - tailItems: how many of `items` are long-tail items, clamped to `0...items.count`.
    ///   - catalogueSize: items the serving model scores now; coverage divides by the latest value.
    public func record(items: [String], meanNovelty: Double, tailItems: Int, catalogueSize: Int) {
        let list = ServedList(
            items: items, noveltyBillionths: Self.billionths(meanNovelty),
            tailItems: min(max(tailItems, 0), items.count))
        // The evicted list is returned so it is freed after the lock is released.
        _ = window.withLock { window in
            window.catalogueSize = catalogueSize
            return window.push(list, capacity: windowLists)
        }
    }

    /// The window's figures now (an empty window reports 0).
    public var figures: Figures {
        let snapshot = window.withLock { $0 }
        var distinct = Set<String>()
        for list in snapshot.lists { distinct.formUnion(list.items) }
        return snapshot.figures(distinct: distinct.count)
    }

    /// `novelty` in integer billionths, clamped to [0, 1] (NaN counts as 0).
    private static func billionths(_ novelty: Double) -> Int {
        novelty.isNaN ? 0 : Int((min(max(novelty, 0), 1) * billion).rounded())
    }
}
