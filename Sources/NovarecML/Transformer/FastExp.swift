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
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p: Float = 1.987_569_1e-4
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452_0e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.000_000_1e-1
        p = p * r * r + r + 1
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
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = FloatLanes.Vector(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452_0e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.000_000_1e-1
        p = p * r * r + r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(exponent &<< 23, to: FloatLanes.Vector.self)
        return (p * scale).replacing(with: 0, where: input .< -87.3)
    }
}
