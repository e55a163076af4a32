import Testing

@testable import NovarecRank

struct CandidateSimilaritiesTests {
    @Test func aRowIsEveryCandidatesCosineToOneComputedOnce() {
        let fixture = RandomFixture(seed: 3)
        let similarities = CandidateSimilarities(fixture.candidates, in: fixture.space)
        let row = similarities.row(4)
        #expect(row == fixture.candidates.map { fixture.space.similarity.cosine($0.item, fixture.candidates[4].item) })
        #expect(similarities.row(4) == row && similarities.computedRows == 1)
    }

    /// The passes of a dial grid share one set of rows: each picked item's row is computed
    /// once, and the lists are those of passes with their own rows.
    @Test func passesSharingRowsPickWhatPassesWithTheirOwnPick() {
        let fixture = RandomFixture(seed: 11)
        let request = fixture.request(novelty: 1, diversity: 0.4)
        let shared = CandidateSimilarities(fixture.candidates, in: fixture.space)
        var picked = Set<Int32>()
        for dial in DialGrid.dials(upTo: 1) {
            let utility = GreedySelection.normalisedRelevance(fixture.candidates).enumerated().map { index, relevance in
                (1 - dial) * relevance + dial * fixture.space.novelty[Int(fixture.candidates[index].item)]
            }
            let alone = CandidateSimilarities(fixture.candidates, in: fixture.space)
            let list = GreedySelection.greedy(fixture.candidates, request: request, space: fixture.space, utility: utility, similarities: shared)
            #expect(list == GreedySelection.greedy(fixture.candidates, request: request, space: fixture.space, utility: utility, similarities: alone))
            picked.formUnion(list.items.map(\.item))
        }
        #expect(shared.computedRows == picked.count)
        #expect(picked.count < DialGrid.dials(upTo: 1).count * request.k, "the passes pick many of the same items")
    }
}
