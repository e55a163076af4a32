/// Named tensors stored in one flat `Float` buffer, so the optimiser updates every parameter in
/// one pass and a checkpoint writes each name as one safetensors tensor.
public struct ParameterSet: Sendable, Equatable {
    /// A named slice of the buffer with its shape (row-major).
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    public var values: [Float] = []

    public init() {}

    /// Appends a zero-filled tensor and returns its offset in `values`.
    @discardableResult
    public mutating func add(_ name: String, shape: [Int]) -> Int {
        precondition(!entries.contains { $0.name == name }, "duplicate parameter \(name)")
        let entry = Entry(name: name, shape: shape, offset: values.count)
        entries.append(entry)
        values += [Float](repeating: 0, count: entry.count)
        return entry.offset
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    public subscript(name: String) -> ArraySlice<Float> {
        let entry = entry(name)!
        return values[entry.offset..<(entry.offset + entry.count)]
    }

    /// A zero buffer with the same layout, for gradients and optimiser moments.
    public func zeros() -> [Float] { [Float](repeating: 0, count: values.count) }
}
