import Foundation
import NovarecCore

/// Softmax over one row of logits, in place, on whole vectors (`FloatLanes`): one pass for the
/// maximum, one for the exponentials and their sum.
public enum SoftmaxRow {
    /// Turns `z` into probabilities; returns log Σ exp of the original values.
    @discardableResult
    public static func normalize(_ z: UnsafeMutablePointer<Float>, count: Int) -> Float {
        guard count >= FloatLanes.width else { return normalizeShort(z, count: count) }
        let (maximum, sum) = exponentiate(z, count: count)
        let inverse = 1 / sum
        FloatLanes.transform(z, count: count) { $0 * inverse }
        return maximum + log(sum)
    }

    /// `normalize` for a row shorter than one vector (attention over a short history), value by
    /// value: loading and storing a partial vector goes lane by lane and costs more than this.
    private static func normalizeShort(_ z: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var maximum = z[0]
        for j in 1..<count { maximum = max(maximum, z[j]) }
        var sum: Float = 0
        for j in 0..<count {
            z[j] = FastExp.exp(z[j] - maximum)
            sum += z[j]
        }
        let inverse = 1 / sum
        for j in 0..<count { z[j] *= inverse }
        return maximum + log(sum)
    }

    /// `z[j] = exp(z[j] + bias[j] − max)` with `max` the largest `z[j] + bias[j]` (no bias when
    /// nil); returns that maximum and the sum of the exponentials.
    static func exponentiate(_ z: UnsafeMutablePointer<Float>, count: Int, bias: UnsafePointer<Float>? = nil) -> (maximum: Float, sum: Float) {
        if let bias {
            FloatLanes.forEach(count: count) { offset, lanes in
                FloatLanes.store(FloatLanes.load(z + offset, count: lanes) + FloatLanes.load(bias + offset, count: lanes), z + offset, count: lanes)
            }
        }
        let maximum = FloatLanes.maximum(z, count: count)
        var sums = FloatLanes.Vector.zero
        FloatLanes.forEach(count: count) { offset, lanes in
            let exponentials = FastExp.exp(FloatLanes.load(z + offset, count: lanes, padding: -.infinity) - maximum)
            FloatLanes.store(exponentials, z + offset, count: lanes)
            sums += exponentials
        }
        return (maximum, sums.sum())
    }
}
