import Foundation

/// A small, fast, seedable random number generator (SplitMix64) so that generated data,
/// model initialisation and sampling are reproducible from one seed on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal sample (Box–Muller).
    public mutating func normal() -> Float {
        let u = max(nextUnit(), .leastNonzeroMagnitude)
        return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * nextUnit()))
    }
}

/// Draws indices in proportion to fixed non-negative weights (inverse CDF, binary search).
public struct WeightedSampler: Sendable {
    private let cumulative: [Double]

    public init(weights: [Double]) {
        precondition(!weights.isEmpty, "at least one weight")
        var total = 0.0
        cumulative = weights.map {
            total += $0
            return total
        }
        precondition(total > 0, "weights must not all be zero")
    }

    public func sample(using generator: inout SeededGenerator) -> Int {
        let target = generator.nextUnit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
