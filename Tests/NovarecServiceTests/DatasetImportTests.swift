import Foundation
import NovarecCore
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// `novarec import`'s work against a real PostgreSQL: every interaction stored once, in order,
/// with item text.
struct DatasetImportTests {
    private func shop() -> Dataset {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 120
        configuration.items = 60
        configuration.categories = 4
        return SyntheticShopGenerator(configuration: configuration).generate()
    }

    @Test func importsEventsInOrderWithItemTextAndIsIdempotent() throws {
        let dataset = shop()
        let store = EventStore(database: try ThrowawayPostgres.freshConnection())
        let first = try DatasetImport.run(dataset, store: store, chunkSize: 500)
        #expect(first.events == dataset.interactionCount)
        #expect(first.stored == dataset.interactionCount && first.duplicates == 0)
        #expect(first.items == dataset.items.count && first.itemsWithText == dataset.itemMetadata.count && first.itemsWithText > 0)
        let again = try DatasetImport.run(dataset, store: store, chunkSize: 700)
        #expect(again.stored == 0 && again.duplicates == dataset.interactionCount)
        #expect(try store.count() == dataset.interactionCount)

        let restored = Dataset(name: "restored", interactions: try store.interactions())
        let user = dataset.users.id(at: 7)
        let original = dataset.sequences[7].map { dataset.items.id(at: $0) }
        let index = try #require(restored.users.index(of: user))
        #expect(restored.sequences[Int(index)].map { restored.items.id(at: $0) } == original)

        let item = try #require(dataset.itemMetadata.first)
        let record = try ItemStore(database: store.database).item(dataset.items.id(at: item.key))
        #expect(record?.title == item.value.title)
        #expect(record?.categories == item.value.categories)
    }

    @Test func eventIDsDependOnUserPositionAndItem() {
        let id = DatasetImport.eventID(user: "u", position: 3, item: "i")
        #expect(id == DatasetImport.eventID(user: "u", position: 3, item: "i"))
        #expect(id != DatasetImport.eventID(user: "u", position: 4, item: "i"))
        #expect(id != DatasetImport.eventID(user: "u", position: 3, item: "j"))
        #expect(id.uuidString.dropFirst(14).first == "8", "version 8 (name-based, SHA-256)")
    }
}
