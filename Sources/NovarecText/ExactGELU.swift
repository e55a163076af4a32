/// BERT's GELU, `x · Φ(x) = ½ x (1 + erf(x / √2))`, the exact (erf) form rather than the tanh
/// approximation `NovarecML.GELU` trains with: the reference uses this one, and the two differ
/// by up to 5e-4, well above the parity target. `erf` is a rational approximation (odd degree-13
/// numerator, even degree-8 denominator, the form Eigen and XLA use; error below 1e-6) written
/// as plain arithmetic so the loop vectorises, instead of one libm call per activation.
public enum ExactGELU {
    /// `values[i] = GELU(values[i])` for `count` elements.
    public static func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = values[i]
            values[i] = 0.5 * x * (1 + erf(x * 0.707_106_78))
        }
    }

    @inline(__always)
    public static func erf(_ input: Float) -> Float {
        let x = min(max(input, -4), 4)
        let x2 = x * x
        var p: Float = -2.726_142_3e-10
        p = p * x2 + 2.770_681_4e-08
        p = p * x2 - 2.101_024_0e-06
        p = p * x2 - 5.692_506_4e-05
        p = p * x2 - 7.349_906_3e-04
        p = p * x2 - 2.954_599_8e-03
        p = p * x2 - 1.609_603_3e-02
        var q: Float = -1.456_607_2e-05
        q = q * x2 - 2.133_740_6e-04
        q = q * x2 - 1.682_827_0e-03
        q = q * x2 - 7.373_329_2e-03
        q = q * x2 - 1.426_473_9e-02
        return x * p / q
    }
}
