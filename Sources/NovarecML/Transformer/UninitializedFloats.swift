extension Array where Element == Float {
    /// `count` floats left as the allocator gives them, for a buffer written whole before it is
    /// read (a layer's output, an `sgemm` result with β = 0): zero-filling it first is a pass
    /// over memory that the next step overwrites anyway.
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
