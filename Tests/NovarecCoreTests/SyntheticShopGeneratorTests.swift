import Foundation
import Testing
@testable import NovarecCore

struct SyntheticShopGeneratorTests {
    private func generate(seed: UInt64 = 7) -> Dataset {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 500
        configuration.items = 300
        configuration.seed = seed
        return SyntheticShopGenerator(configuration: configuration).generate()
    }

    @Test func isReproducibleFromItsSeed() {
        #expect(generate().sequences == generate().sequences)
        #expect(generate(seed: 8).sequences != generate().sequences)
    }

    @Test func hasALongTailTitlesAndUsableSequences() {
        let dataset = generate()
        #expect(dataset.users.count == 500)
        #expect(dataset.sequences.allSatisfy { $0.count >= 3 && Set($0).count == $0.count })
        var counts = [Int](repeating: 0, count: dataset.items.count)
        for sequence in dataset.sequences { for item in sequence { counts[Int(item)] += 1 } }
        let sorted = counts.sorted(by: >)
        let headShare = Double(sorted.prefix(sorted.count / 10).reduce(0, +)) / Double(dataset.interactionCount)
        #expect(headShare > 0.3, "top 10% of items should draw far more than 10% of interactions")
        #expect(dataset.itemMetadata.count == dataset.items.count)
        #expect(dataset.itemMetadata.values.allSatisfy { !$0.title.isEmpty && $0.categories.count == 1 })
        let times = try! #require(dataset.timestamps)
        #expect(times.allSatisfy { zip($0, $0.dropFirst()).allSatisfy { $0 < $1 } })
    }

    @Test func writtenFilesReadBackAsTheSameDataset() throws {
        let dataset = generate()
        let directory = try TemporaryDirectory()
        try DatasetWriter.write(dataset, to: directory.url)
        let loaded = try DatasetLoader.load(path: directory.path + "/events.tsv")
        #expect(loaded.users == dataset.users)
        #expect(loaded.items == dataset.items)
        #expect(loaded.sequences == dataset.sequences)
        let withText = try DatasetLoader.load(path: directory.path)
        #expect(withText.sequences == dataset.sequences)
        #expect(withText.itemMetadata == dataset.itemMetadata)
        #expect(!withText.itemMetadata.isEmpty)
    }

    @Test func aMalformedItemsFileNamesItsLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write("events.tsv", "u1\ti1\t1\n")
        try directory.write("items.tsv", "item\ttitle\tcategories\ni1\n")
        #expect(throws: DatasetError(file: directory.path + "/items.tsv", line: 2, reason: "expected 'item<TAB>title[<TAB>categories]', found 1 field(s)")) {
            try DatasetLoader.load(path: directory.path)
        }
    }

    @Test func aTinyShopWithMoreCategoriesThanItemsPerCategoryStillFinishes() {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 40
        configuration.items = 20
        let dataset = SyntheticShopGenerator(configuration: configuration).generate()
        #expect(dataset.sequences.allSatisfy { Set($0).count == $0.count && !$0.isEmpty })
    }
}
