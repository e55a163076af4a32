/// A bijection between external string ids (as they appear in datasets and APIs) and dense
/// `Int32` indices `0..<count` used by every model and metric.
///
/// Indices follow the ids' natural order (numeric when every id is an integer, otherwise
/// lexicographic), so that ties broken "by index" are ties broken "by id", as the referee does.
public struct Vocabulary: Sendable, Equatable {
    /// External ids, indexed by dense index.
    public let ids: [String]
    private let indexByID: [String: Int32]

    /// Builds a vocabulary from the distinct ids given, in their natural order.
    public init<S: Sequence>(distinctIDs: S) where S.Element == String {
        let sorted = Vocabulary.naturallySorted(Array(Set(distinctIDs)))
        self.ids = sorted
        var index = [String: Int32](minimumCapacity: sorted.count)
        for (position, id) in sorted.enumerated() { index[id] = Int32(position) }
        self.indexByID = index
    }

    /// A vocabulary whose dense indices are the positions in `orderedIDs` (e.g. a checkpoint's
    /// item list); the ids must be distinct.
    public init(orderedIDs: [String]) {
        self.ids = orderedIDs
        var index = [String: Int32](minimumCapacity: orderedIDs.count)
        for (position, id) in orderedIDs.enumerated() { index[id] = Int32(position) }
        precondition(index.count == orderedIDs.count, "ids must be distinct")
        self.indexByID = index
    }

    public var count: Int { ids.count }

    /// The dense index of `id`, or nil when the id is unknown.
    public func index(of id: String) -> Int32? { indexByID[id] }

    /// The external id of a dense index.
    public func id(at index: Int32) -> String { ids[Int(index)] }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.ids == rhs.ids }

    static func naturallySorted(_ ids: [String]) -> [String] {
        let numbers = ids.map { Int64($0) }
        guard !numbers.contains(where: { $0 == nil }) else { return ids.sorted() }
        return zip(ids, numbers).sorted { $0.1! < $1.1! }.map(\.0)
    }
}
