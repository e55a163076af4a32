import Testing
@testable import NovarecCore

/// `FloatLanes`' reductions against values computed by hand.
struct FloatLanesTests {
    @Test func sumAddsEveryLane() {
        let lanes = FloatLanes.Vector((0..<16).map { Float(1 << $0) })
        #expect(FloatLanes.sum(lanes) == 65_535)
        #expect(FloatLanes.sum(.zero) == 0)
        #expect(FloatLanes.sum(FloatLanes.Vector(repeating: -0.5)) == -8)
    }

    @Test func maximumReadsPartialVectors() {
        let values: [Float] = (0..<19).map { Float(($0 * 7) % 19) - 9 }
        #expect(FloatLanes.maximum(values, count: 19) == 9)
        #expect(FloatLanes.maximum(values, count: 3) == values[0..<3].max())
    }
}
