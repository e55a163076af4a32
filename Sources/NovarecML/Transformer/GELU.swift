/// The Gaussian error linear unit, tanh approximation (as in BERT and SASRec's FFN), with tanh
/// computed through `FastExp` so the loops vectorise.
enum GELU {
    private static let c: Float = 0.797_884_56

    @inline(__always)
    private static func tanh(_ u: Float) -> Float {
        1 - 2 / (FastExp.exp(2 * u) + 1)
    }

    /// `y = GELU(x)`, for training, which keeps `x` for the backward pass.
    static func forward(_ x: UnsafePointer<Float>, count: Int, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] = value(x[i]) }
    }

    /// `x = GELU(x)` in place, for inference. (`forward` with `y` = `x` would run lane by lane:
    /// the vectorised loop checks that its output does not overlap its input.)
    static func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = value(x[i]) }
    }

    /// `0.5·v·(1 + tanh(z))` written as `v / (1 + exp(−2z))`, the same function: one
    /// exponential and one division, without the `1 + tanh` that cancels for negative `v`
    /// (measured on Zen 3: 1.30 → 1.02 ns per value in place).
    @inline(__always)
    private static func value(_ v: Float) -> Float {
        v / (1 + FastExp.exp(-2 * c * (v + 0.044715 * v * v * v)))
    }

    /// `dx = dy · GELU'(x)`, in place over `dy`.
    static func backward(_ x: UnsafePointer<Float>, count: Int, _ dy: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let v = x[i]
            let t = tanh(c * (v + 0.044715 * v * v * v))
            dy[i] *= 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
        }
    }
}
