import Testing
@testable import NovarecService

struct ValidationGateTests {
    let gate = ValidationGate()
    let serving = ["ndcg10": 0.050, "novelty10": 10.0, "coverage10": 0.80, "ndcg10_dial": 0.045, "novelty10_dial": 11.0]

    private func candidate(_ changes: [String: Double]) -> [String: Double] { serving.merging(changes) { $1 } }

    @Test func anEqualOrBetterCandidateIsAccepted() {
        #expect(gate.decide(candidate: serving, serving: serving).accepted)
        #expect(gate.decide(candidate: candidate(["ndcg10": 0.060, "novelty10_dial": 11.5]), serving: serving).accepted)
    }

    @Test func dropsWithinTheMarginsAreAccepted() {
        #expect(gate.decide(candidate: candidate(["ndcg10": 0.0491, "novelty10": 9.81, "coverage10": 0.761]), serving: serving).accepted)
    }

    @Test(arguments: [
        ("ndcg10", 0.0489, "NDCG@10"), ("novelty10", 9.7, "Novelty@10"), ("coverage10", 0.75, "Coverage@10"),
        ("ndcg10_dial", 0.044, "NDCG@10 at the default dial"), ("novelty10_dial", 10.7, "Novelty@10 at the default dial")
    ])
    func aFigureBelowItsMarginRefusesAndSaysWhich(key: String, value: Double, label: String) {
        let decision = gate.decide(candidate: candidate([key: value]), serving: serving)
        #expect(!decision.accepted)
        #expect(decision.reason.hasPrefix(label + " "), "\(decision.reason)")
    }

    @Test func aCandidateThatLearnedNothingIsRefusedOutright() {
        for ndcg in [0.0, .nan, -.infinity] {
            let decision = gate.decide(candidate: candidate(["ndcg10": ndcg]), serving: serving)
            #expect(!decision.accepted && decision.reason.contains("nothing learned"))
        }
    }

    @Test func aFigureOnlyOneSideHasIsNotCompared() {
        var older = serving
        older["novelty10_dial"] = nil
        #expect(gate.decide(candidate: candidate(["novelty10_dial": 1]), serving: older).accepted)
    }
}
