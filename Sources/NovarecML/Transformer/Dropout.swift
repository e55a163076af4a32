import NovarecCore

/// Inverted dropout: keeps each value with probability `1 − rate` and scales kept values by
/// `1/(1 − rate)`, so inference needs no change. The mask is kept for the backward pass.
enum Dropout {
    /// Fills `mask` with 0 or `1/(1 − rate)` and multiplies `x` by it in place.
    static func apply(_ x: UnsafeMutablePointer<Float>, count: Int, rate: Float, mask: UnsafeMutablePointer<Float>, random: inout SeededGenerator) {
        let keep = 1 / (1 - rate)
        let threshold = UInt64(Double(rate) * Double(UInt64.max))
        for i in 0..<count {
            mask[i] = random.next() < threshold ? 0 : keep
            x[i] *= mask[i]
        }
    }

    static func backward(_ dy: UnsafeMutablePointer<Float>, count: Int, mask: UnsafePointer<Float>) {
        for i in 0..<count { dy[i] *= mask[i] }
    }
}
