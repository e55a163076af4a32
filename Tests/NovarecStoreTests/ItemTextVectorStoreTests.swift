import Foundation
import NovarecStore
import NovarecTestSupport
import Testing

/// Items' text vectors in PostgreSQL (`ItemStore+TextVectors`).
struct ItemTextVectorStoreTests {
    @Test func aVectorIsStoredWithItsItemAndReadBackBitForBit() throws {
        let store = ItemStore(database: try ThrowawayPostgres.freshConnection())
        let kettle = ItemRecord(itemID: "kettle", title: "Kettle", description: "Steel, 1.7 l", categories: ["Kitchen", "Tea, coffee"])
        try store.upsert([kettle, ItemRecord(itemID: "tent", title: "Tent")])
        let vector: [Float] = [0.25, -1.5, .leastNonzeroMagnitude, 3.0e38]
        #expect(try store.storeTextVector(vector, model: "mini", for: kettle))
        let stored = try store.textVectors(model: "mini", dimension: 4)
        #expect(stored.map(\.itemID) == ["kettle"] && stored.first?.vector == vector)
        #expect(try store.textVectors(model: "other", dimension: 4).isEmpty, "another model's vectors are never mixed in")
        #expect(try store.textVectors(model: "mini", dimension: 3).isEmpty, "nor vectors of another length")
        #expect(try store.itemsWithoutTextVector(model: "mini", limit: 10).map(\.itemID) == ["tent"])
        #expect(try store.itemsWithoutTextVector(model: "other", limit: 10).map(\.itemID) == ["kettle", "tent"])
    }

    @Test func aTextChangeClearsTheVectorAndOtherChangesKeepIt() throws {
        let store = ItemStore(database: try ThrowawayPostgres.freshConnection())
        let kettle = ItemRecord(itemID: "kettle", title: "Kettle", categories: ["Kitchen"])
        try store.upsert([kettle])
        try store.storeTextVector([1, 0], model: "mini", for: kettle)
        try store.upsert([ItemRecord(itemID: "kettle", title: "Kettle", categories: ["Kitchen"], available: false)])
        #expect(try store.textVectors(model: "mini", dimension: 2).count == 1, "availability is not text")
        try store.bulkUpsert([ItemRecord(itemID: "kettle", title: "Kettle", categories: ["Kitchen", "Sale"])])
        #expect(try store.textVectors(model: "mini", dimension: 2).isEmpty, "a new category is new text")
        try store.storeTextVector([1, 0], model: "mini", for: ItemRecord(itemID: "kettle", title: "Kettle", categories: ["Kitchen", "Sale"]))
        try store.upsert([ItemRecord(itemID: "kettle", title: "Electric kettle", categories: ["Kitchen", "Sale"])])
        #expect(try store.textVectors(model: "mini", dimension: 2).isEmpty, "a new title is new text")
    }

    @Test func aVectorOfTextTheItemNoLongerHasIsNotStored() throws {
        let store = ItemStore(database: try ThrowawayPostgres.freshConnection())
        let old = ItemRecord(itemID: "kettle", title: "Kettle")
        try store.upsert([old])
        try store.upsert([ItemRecord(itemID: "kettle", title: "Electric kettle")])
        #expect(try !store.storeTextVector([1, 0], model: "mini", for: old))
        #expect(try !store.storeTextVector([1, 0], model: "mini", for: ItemRecord(itemID: "missing", title: "Kettle")))
        #expect(try store.textVectors(model: "mini", dimension: 2).isEmpty)
    }
}
