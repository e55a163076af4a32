import Testing
@testable import NovarecRank

struct DialGridTests {
    @Test func dialsRoundToTheGrid() {
        #expect(DialGrid.dials(upTo: 0) == [0])
        #expect(DialGrid.dials(upTo: 0.07) == [0, 0.05])
        #expect(DialGrid.dials(upTo: 0.08) == [0, 0.05, 0.1])
        #expect(DialGrid.dials(upTo: 1) == (0...20).map { Double($0) / 20 })
        #expect(DialGrid.dials(upTo: 1.5).last == 1)
    }

    /// A one-item list per grid dial, tagged with the dial in hundredths, of novelty 0.2, 0.5, 0.3, 0.5.
    @Test func keepsTheMostNovelListTiesToTheHigherDial() {
        let novelty = [0: 0.2, 5: 0.5, 10: 0.3, 15: 0.5]
        let list = { (dial: Double) -> Ranking in
            let tag = Int((dial * 100).rounded())
            return Ranking(items: [RankedItem(item: Int32(tag), score: 0, relevance: 0, novelty: novelty[tag]!)])
        }
        #expect(DialGrid.mostNovel(upTo: 0, list).items.first?.item == 0)
        #expect(DialGrid.mostNovel(upTo: 0.1, list).items.first?.item == 5)
        #expect(DialGrid.mostNovel(upTo: 0.15, list).items.first?.item == 15)
    }
}
