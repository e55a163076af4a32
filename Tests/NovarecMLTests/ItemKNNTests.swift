import NovarecCore
import NovarecML
import Testing

struct ItemKNNTests {
    private func model(shrink: Float = 0, neighbourhood: Int = 3, decay: Float = 1) -> ItemKNN {
        ItemKNN(
            cooccurrence: RecommenderContract.cooccurrence, statistics: RecommenderContract.statistics,
            configuration: .init(shrink: shrink, neighbourhood: neighbourhood, decay: decay))
    }

    @Test func fulfilsTheContract() {
        RecommenderContract.check(model())
    }

    @Test func survivesACheckpointRoundTrip() throws {
        try RecommenderContract.checkCheckpointRoundTrip(model(shrink: 10, neighbourhood: 4, decay: 0.7))
    }

    @Test func scoresAreDecayedCosineSimilaritiesByHand() {
        // Users {0,1}, {0,1,2}, {1,2}: n = (2, 3, 2); c01 = 2, c02 = 1, c12 = 2.
        let training: [ArraySlice<Int32>] = [[0, 1], [0, 1, 2], [1, 2]]
        let model = ItemKNN(
            cooccurrence: ItemCooccurrence(itemCount: 3, trainingSequences: training),
            statistics: PopularityStatistics(itemCount: 3, trainingSequences: training),
            configuration: .init(shrink: 1, neighbourhood: 2, decay: 0.5))
        let scores = RecommenderContract.scores(model, [2, 0, 1])
        // Last two items: 1 (weight 1) then 0 (weight 0.5); sim(i,j) = c / (sqrt(n_i n_j) + 1).
        let sim01 = 2 / (Float(6).squareRoot() + 1)
        let sim02 = 1 / (Float(4).squareRoot() + 1)
        let sim12 = 2 / (Float(6).squareRoot() + 1)
        #expect(abs(scores[0] - sim01) < 1e-6)
        #expect(abs(scores[1] - 0.5 * sim01) < 1e-6)
        #expect(abs(scores[2] - (sim12 + 0.5 * sim02)) < 1e-6)
    }

    @Test func neighbourhoodLimitsTheHistoryUsed() {
        // Odd item 3 then even item 2: with a neighbourhood of one only item 2 counts.
        let scores = RecommenderContract.scores(model(neighbourhood: 1), [3, 2])
        #expect(scores.enumerated().allSatisfy { $0.offset % 2 == 0 || $0.element == 0 })
        #expect(scores.enumerated().contains { $0.offset % 2 == 0 && $0.element > 0 })
        let both = RecommenderContract.scores(model(neighbourhood: 2), [3, 2])
        #expect(both.enumerated().contains { $0.offset % 2 == 1 && $0.element > 0 })
    }
}
