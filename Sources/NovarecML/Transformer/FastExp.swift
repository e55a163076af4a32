import NovarecCore
/// A vectorised `exp` for softmax over the whole catalogue, where a libm call per logit
/// would dominate training time. Cody–Waite range reduction and a degree-6 polynomial, as one
/// value (for loops the compiler vectorises) or on explicit `FloatLanes` vectors (for loops it
/// does not, like the softmax's reductions): relative error below 3e-7 on [-87, 88]; inputs
/// below -87.3 give 0.
public enum FastExp {
    /// One value, written as plain float and integer operations so a loop of them vectorises.
    @inlinable @inline(__always)
    public static func exp(_ input: Float) -> Float {
        let x = min(max(input, -87.3), 88.3)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick; its low bits hold n.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let integer = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        let p = mantissa(x, n)
        let scale = Float(bitPattern: UInt32(bitPattern: (integer &+ 127) &<< 23))
        return input < -87.3 ? 0 : p * scale
    }

    /// The same on whole vectors, for loops written on `FloatLanes`.
    @inlinable @inline(__always)
    public static func exp(_ input: FloatLanes.Vector) -> FloatLanes.Vector {
        let x = FloatLanes.smaller(FloatLanes.larger(input, .init(repeating: -87.3)), .init(repeating: 88.3))
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick; its low bits hold n.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let p = mantissa(x, n)
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(exponent &<< 23, to: FloatLanes.Vector.self)
        return (p * scale).replacing(with: 0, where: input .< -87.3)
    }

    /// `exp(x − n·ln 2)` by the polynomial, for one value or a vector (`r` is in [−ln2/2, ln2/2]).
    @inlinable @inline(__always)
    static func mantissa<Value: ExpArithmetic>(_ x: Value, _ n: Value) -> Value {
        var r = x - n * Value(0.693_359_375)
        r = r + n * Value(2.121_944_4e-4)
        var p = Value(1.987_569_1e-4)
        p = p * r + Value(1.398_199_9e-3)
        p = p * r + Value(8.333_452_0e-3)
        p = p * r + Value(4.166_579_6e-2)
        p = p * r + Value(1.666_666_5e-1)
        p = p * r + Value(5.000_000_1e-1)
        return p * r * r + r + Value(1)
    }
}

/// The arithmetic `FastExp`'s polynomial needs, shared by a float and a vector of floats.
public protocol ExpArithmetic {
    init(_ constant: Float)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
}

extension Float: ExpArithmetic {}

extension SIMD16: ExpArithmetic where Scalar == Float {
    public init(_ constant: Float) { self.init(repeating: constant) }
}
