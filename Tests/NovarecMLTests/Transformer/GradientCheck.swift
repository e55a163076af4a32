import Foundation
import Testing

/// Central finite differences against an analytic gradient, for float32 layers.
enum GradientCheck {
    /// Perturbs each element of `point` by ±`epsilon`, re-evaluates `loss`, and expects the
    /// analytic gradient to agree within `tolerance · max(1, |numeric|)`.
    static func expectAgreement(
        _ label: String, point: [Float], analytic: [Float], epsilon: Float = 1e-2, tolerance: Double = 2e-3,
        loss: ([Float]) -> Double
    ) {
        #expect(point.count == analytic.count, "\(label): gradient size")
        var worst = 0.0
        var probe = point
        for i in point.indices {
            probe[i] = point[i] + epsilon
            let plus = loss(probe)
            probe[i] = point[i] - epsilon
            let minus = loss(probe)
            probe[i] = point[i]
            let numeric = (plus - minus) / (2 * Double(epsilon))
            worst = max(worst, abs(numeric - Double(analytic[i])) / max(1, abs(numeric)))
        }
        #expect(worst < tolerance, "\(label): worst relative gradient error \(worst)")
    }

    /// Deterministic pseudo-random values in [-scale, scale].
    static func values(_ count: Int, seed: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { i in
            let x = sin(Float(i * 7919 + seed * 104_729) * 0.001) * 43_758.547
            return scale * (2 * (x - x.rounded(.down)) - 1)
        }
    }
}

/// The weighted sum `Σ wᵢ yᵢ`: a loss whose gradient with respect to `y` is `w`.
func weightedSum(_ y: [Float], _ w: [Float]) -> Double {
    zip(y, w).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}
