import Foundation

/// Layer normalisation over the last dimension (`y = γ · (x − μ)/σ + β`, ε = 1e-5 unless given),
/// forward and backward, over `rows × width` row-major activations.
public enum LayerNorm {
    public static let epsilon: Float = 1e-5

    /// Writes `y` and the per-row normalised input and inverse deviation needed by `backward`.
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        normalized: UnsafeMutablePointer<Float>, inverseDeviation: UnsafeMutablePointer<Float>,
        _ y: UnsafeMutablePointer<Float>, epsilon: Float = LayerNorm.epsilon
    ) {
        for row in 0..<rows {
            let input = x + row * width
            var mean: Float = 0
            for j in 0..<width { mean += input[j] }
            mean /= Float(width)
            var variance: Float = 0
            for j in 0..<width { variance += (input[j] - mean) * (input[j] - mean) }
            let inverse = 1 / (variance / Float(width) + epsilon).squareRoot()
            inverseDeviation[row] = inverse
            let xhat = normalized + row * width
            let output = y + row * width
            for j in 0..<width {
                xhat[j] = (input[j] - mean) * inverse
                output[j] = gamma[j] * xhat[j] + beta[j]
            }
        }
    }

    /// Accumulates `dγ`, `dβ` and writes (or adds, when `accumulate`) `dx`.
    static func backward(
        _ dy: UnsafePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>,
        normalized: UnsafePointer<Float>, inverseDeviation: UnsafePointer<Float>,
        dGamma: UnsafeMutablePointer<Float>, dBeta: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        for row in 0..<rows {
            let g = dy + row * width
            let xhat = normalized + row * width
            let out = dx + row * width
            var meanDxhat: Float = 0
            var meanDxhatXhat: Float = 0
            for j in 0..<width {
                let dxhat = g[j] * gamma[j]
                meanDxhat += dxhat
                meanDxhatXhat += dxhat * xhat[j]
                dGamma[j] += g[j] * xhat[j]
                dBeta[j] += g[j]
            }
            meanDxhat /= Float(width)
            meanDxhatXhat /= Float(width)
            let inverse = inverseDeviation[row]
            for j in 0..<width {
                let value = inverse * (g[j] * gamma[j] - meanDxhat - xhat[j] * meanDxhatXhat)
                out[j] = accumulate ? out[j] + value : value
            }
        }
    }
}
