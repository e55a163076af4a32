import Testing
@testable import NovarecCore

struct ColdItemsTests {
    static let dataset: Dataset = {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 300
        configuration.items = 60
        return SyntheticShopGenerator(configuration: configuration).generate()
    }()

    @Test func coldItemsKeepOnlyTheirTestInteractions() {
        let cold = ColdItems(from: Self.dataset, fraction: 0.1, seed: 7)
        let items = Set(cold.items)
        #expect(items.count == 6)
        #expect(cold.dataset.items.ids == Self.dataset.items.ids && cold.dataset.users.ids == Self.dataset.users.ids)
        for (before, after) in zip(Self.dataset.sequences, cold.dataset.sequences) {
            #expect(after.last == before.last, "every test target is kept")
            #expect(after.dropLast().allSatisfy { !items.contains($0) }, "no other interaction with a cold item")
            #expect(Array(after.dropLast()) == before.dropLast().filter { !items.contains($0) }, "the rest in order")
        }
        let training = LeaveOneOutSplit(dataset: cold.dataset).trainingSequences
        #expect(training.allSatisfy { $0.allSatisfy { !items.contains($0) } })
        #expect(ColdItems(from: Self.dataset, fraction: 0.1, seed: 7).items == cold.items, "seeded")
        #expect(ColdItems(from: Self.dataset, fraction: 0.1, seed: 8).items != cold.items)
    }
}
