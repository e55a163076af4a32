import Foundation
import Synchronization
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// `ItemEmbedder` against a real PostgreSQL, with a counting stand-in for the sentence encoder
/// (the real one is exercised by `NewItemTests`): what reaches the encoder, and when.
struct ItemEmbedderTests {
    /// Encodes a text as its length and a constant, and counts the texts it was given.
    final class CountingEncoder: Sendable {
        let calls = Mutex(0)
        var encoder: TextEncoder {
            TextEncoder(name: "counting", dimension: 2) { [self] texts in
                calls.withLock { $0 += texts.count }
                return texts.flatMap { [Float($0.count), 1] }
            }
        }
    }

    @Test func aBacklogLargerThanTheQueueIsEmbeddedWhole() throws {
        let store = ItemStore(database: try PostgresConnection(ThrowawayPostgres.freshDatabase()))
        try store.upsert((0..<10).map { ItemRecord(itemID: "sku\($0)", title: "Item \($0)") })
        let index = ItemTextIndex(dimension: 2)
        let embedder = ItemEmbedder(encoder: CountingEncoder().encoder, index: index, store: store, capacity: 3, log: { _ in })
        embedder.start()
        defer { embedder.stop() }
        #expect(eventually(timeout: 30) { index.count == 10 }, "\(index.count) of 10 after reading the backlog three at a time")
        #expect(try store.itemsWithoutTextVector(model: "counting", limit: 100).isEmpty)
    }

    @Test func rewritingAnItemWithTheSameTextDoesNotEmbedItAgain() throws {
        let counting = CountingEncoder()
        let fixture = try ServiceTests.Fixture(text: (counting.encoder, .standard))
        let kettle = #"{"title":"Kettle","categories":["kitchen"]}"#
        #expect(try fixture.request("PUT", "/v1/items/kettle", json: kettle).status == 200)
        #expect(try eventually { try fixture.request("GET", "/v1/items/kettle").body["text_vector"] as? String == "ready" })
        let first = counting.calls.withLock { $0 }
        let hidden = try fixture.request("PUT", "/v1/items/kettle", json: #"{"title":"Kettle","categories":["kitchen"],"available":false}"#)
        #expect(hidden.body["text_vector"] as? String == "ready", "availability is not text")
        #expect(
            try fixture.request("PUT", "/v1/items/kettle", json: #"{"title":"Steel kettle","categories":["kitchen"]}"#).body["text_vector"] as? String
                == "pending")
        #expect(try eventually { try fixture.request("GET", "/v1/items/kettle").body["text_vector"] as? String == "ready" })
        #expect(counting.calls.withLock { $0 } == first + 1, "only the new title was encoded")
    }
}
