import Testing
@testable import NovarecRank

struct DialScaleTests {
    @Test func theIdentityLeavesTheDialAlone() {
        for dial in [0.0, 0.3, 1.0] { #expect(DialScale.identity.strength(at: dial) == dial) }
        #expect(DialScale.identity.strength(at: 2) == 1 && DialScale.identity.strength(at: -1) == 0)
    }

    @Test func strengthsInterpolateLinearlyAndNeverFall() {
        let scale = DialScale(strengths: [0, 0.2, 0.1, 1])
        #expect(scale.strengths == [0, 0.2, 0.2, 1])
        #expect(abs(scale.strength(at: 1.0 / 6) - 0.1) < 1e-12)
        #expect(abs(scale.strength(at: 5.0 / 6) - 0.6) < 1e-12)
    }

    @Test func aFrontierIsSpacedByNoveltyNotByStrength() {
        // Novelty rises fast at first, then flattens: half of the novelty gain is reached at strength 0.1.
        let scale = DialScale(frontier: [0, 0.1, 0.5, 1], novelty: [10, 11, 11.5, 12], steps: 4)
        #expect(scale.strengths.count == 5)
        #expect(abs(scale.strength(at: 0.5) - 0.1) < 1e-12, "\(scale.strengths)")
        #expect(abs(scale.strength(at: 0.25) - 0.05) < 1e-12)
        #expect(abs(scale.strength(at: 0.75) - 0.5) < 1e-12)
        #expect(scale.strength(at: 1) == 1 && scale.strength(at: 0) == 0)
    }

    @Test func aFlatFrontierFallsBackToTheIdentityShape() {
        let scale = DialScale(frontier: [0, 0.5, 1], novelty: [3, 3, 3], steps: 2)
        #expect(scale.strengths == [0, 0.5, 1])
    }
}
