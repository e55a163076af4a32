/// Loops over float buffers 16 lanes at a time (two AVX2 registers, four SSE ones), with the
/// last partial vector padded, so element-wise kernels (exp, softmax, AdamW) are written once on
/// whole vectors instead of hoping the compiler vectorises a scalar loop.
public enum FloatLanes {
    public typealias Vector = SIMD16<Float>
    public static let width = Vector.scalarCount

    /// The `count` (≤ 16) floats at `pointer`, the other lanes `padding`.
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>, count: Int = width, padding: Float = 0) -> Vector {
        guard count < width else { return UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }
        var vector = Vector(repeating: padding)
        for lane in 0..<count { vector[lane] = pointer[lane] }
        return vector
    }

    /// Writes the first `count` (≤ 16) lanes of `vector` to `pointer`.
    @inlinable @inline(__always)
    public static func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>, count: Int = width) {
        guard count < width else { return UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self) }
        for lane in 0..<count { pointer[lane] = vector[lane] }
    }

    /// Calls `body(offset, lanes)` for each vector of `0..<count`: full vectors, then the rest.
    @inlinable @inline(__always)
    public static func forEach(count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
        var offset = 0
        while offset + width <= count {
            body(offset, width)
            offset += width
        }
        if offset < count { body(offset, count - offset) }
    }

    /// `values[i] = transform(values[i])`.
    @inlinable @inline(__always)
    public static func transform(_ values: UnsafeMutablePointer<Float>, count: Int, _ transform: (Vector) -> Vector) {
        forEach(count: count) { offset, lanes in store(transform(load(values + offset, count: lanes)), values + offset, count: lanes) }
    }

    /// The largest of `count` (≥ 1) values.
    @inlinable
    public static func maximum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Vector(repeating: -.infinity)
        forEach(count: count) { offset, width in lanes = larger(lanes, load(values + offset, count: width, padding: -.infinity)) }
        return lanes.max()
    }

    /// The sum of the lanes, added pairwise (halves, then quarters, …): the standard library's
    /// `sum()` adds them one after another, each addition waiting for the one before.
    @inlinable @inline(__always)
    public static func sum(_ vector: Vector) -> Float {
        let eight = vector.lowHalf + vector.highHalf
        let four = eight.lowHalf + eight.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    // The standard library's `pointwiseMax`, `pointwiseMin` and `clamped` go lane by lane;
    // comparison and `replacing` compile to vector instructions.

    /// The lane-wise larger of `a` and `b`.
    @inlinable @inline(__always)
    public static func larger(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .> a) }

    /// The lane-wise smaller of `a` and `b`.
    @inlinable @inline(__always)
    public static func smaller(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .< a) }
}
