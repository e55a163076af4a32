import Foundation
import NovarecCore
import Testing
@testable import NovarecML

/// `SoftmaxRow.normalize` against softmax computed in doubles, for rows shorter than a vector
/// (attention over short histories, a path of their own), exactly one, and longer.
struct SoftmaxRowTests {
    @Test func normalizeIsSoftmaxAndReturnsLogSumExp() {
        for count in [1, 2, 7, 15, 16, 17, 40] {
            var random = SeededGenerator(seed: UInt64(count))
            let logits = (0..<count).map { _ in Float(random.nextUnit() * 20 - 10) }
            var row = logits
            let logSumExp = SoftmaxRow.normalize(&row, count: count)
            let maximum = Double(logits.max()!)
            let sum = logits.map { exp(Double($0) - maximum) }.reduce(0, +)
            #expect(abs(Double(logSumExp) - (maximum + log(sum))) <= 1e-5 * max(1, abs(maximum)), "\(count) values")
            for j in 0..<count {
                let expected = exp(Double(logits[j]) - maximum) / sum
                #expect(abs(Double(row[j]) - expected) <= 1e-6, "\(count) values: probability \(j)")
            }
        }
    }
}
