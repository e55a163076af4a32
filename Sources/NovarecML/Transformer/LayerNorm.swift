import Foundation
import NovarecCore

/// Layer normalisation over the last dimension (`y = γ · (x − μ)/σ + β`, ε = 1e-5 unless given),
/// forward and backward, over `rows × width` row-major activations.
public enum LayerNorm {
    public static let epsilon: Float = 1e-5

    /// Writes `y` and, when given, the per-row normalised input and inverse deviation that
    /// `backward` needs (inference passes nil). Each row's mean and variance are summed sixteen
    /// lanes at a time: a scalar sum is one dependent addition after another.
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        normalized: UnsafeMutablePointer<Float>?, inverseDeviation: UnsafeMutablePointer<Float>?,
        _ y: UnsafeMutablePointer<Float>, epsilon: Float = LayerNorm.epsilon
    ) {
        for row in 0..<rows {
            let input = x + row * width
            var sums = FloatLanes.Vector.zero
            FloatLanes.forEach(count: width) { offset, lanes in sums += FloatLanes.load(input + offset, count: lanes) }
            let mean = FloatLanes.sum(sums) / Float(width)
            var squares = FloatLanes.Vector.zero
            FloatLanes.forEach(count: width) { offset, lanes in
                let centred = FloatLanes.load(input + offset, count: lanes, padding: mean) - mean
                squares += centred * centred
            }
            let inverse = 1 / (FloatLanes.sum(squares) / Float(width) + epsilon).squareRoot()
            inverseDeviation?[row] = inverse
            let xhat = normalized.map { $0 + row * width }
            let output = y + row * width
            FloatLanes.forEach(count: width) { offset, lanes in
                let value = (FloatLanes.load(input + offset, count: lanes) - mean) * inverse
                if let xhat { FloatLanes.store(value, xhat + offset, count: lanes) }
                let scaled = FloatLanes.load(gamma + offset, count: lanes) * value + FloatLanes.load(beta + offset, count: lanes)
                FloatLanes.store(scaled, output + offset, count: lanes)
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
