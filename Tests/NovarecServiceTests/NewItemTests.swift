import Foundation
import NovarecML
import NovarecStore
import NovarecTestSupport
import NovarecText
import Testing
@testable import NovarecService

/// Items written after the model was trained, placed by their text (all-MiniLM-L6-v2, the real
/// encoder) over a real socket and PostgreSQL: the checkerboard shop's even items are kitchen
/// things, its odd items camping gear; nobody has interacted with the new teapot.
struct NewItemTests {
    static let kitchen = ["kettle", "teapot", "coffee grinder", "frying pan", "mixing bowl"]
    static let camping = ["tent", "sleeping bag", "camping stove", "hiking backpack", "trekking poles"]
    static let materials = ["Stainless steel", "Ceramic", "Glass", "Cast iron"]
    static let outdoor = ["Ultralight", "Waterproof", "Two-person", "Alpine"]

    /// sku(2i) is a kitchen item, sku(2i+1) camping gear; sku2, sku12, sku22, sku32 are teapots.
    static var catalogue: String {
        let items = (0..<40).map { item -> String in
            let kind = item / 2 % 5
            let title =
                item % 2 == 0
                ? "\(materials[item / 10]) \(kitchen[kind]) for the kitchen" : "\(outdoor[item / 10]) \(camping[kind]) for camping trips"
            return #"{"item_id":"sku\#(item)","title":"\#(title)","categories":["\#(item % 2 == 0 ? "kitchen" : "outdoor")"]}"#
        }
        return #"{"items":[\#(items.joined(separator: ","))]}"#
    }

    static func encoder() throws -> TextEncoder {
        let sentences = try SentenceEncoder.load(directory: try TextModelFixture.directory.get())
        return TextEncoder(name: "all-MiniLM-L6-v2", dimension: sentences.dimension) { sentences.encode($0) }
    }

    @Test func aNewItemIsSimilarAndRecommendedByItsTextWithinTwoSeconds() throws {
        let fixture = try ServiceTests.Fixture(text: (try Self.encoder(), .standard))
        #expect(try fixture.request("POST", "/v1/items", json: Self.catalogue).status == 200)
        #expect(eventually(timeout: 30) { fixture.service.engine.itemText.count == 40 }, "the catalogue is embedded in the background")
        let history = ServiceTests.eventsJSON([("ann", "sku2", 1), ("ann", "sku12", 2), ("ann", "sku22", 3), ("ben", "sku3", 4), ("ben", "sku13", 5)])
        #expect(try fixture.request("POST", "/v1/events", json: history).status == 202)

        let written = Date()
        let put = try fixture.request(
            "PUT", "/v1/items/teapot-new",
            json: #"{"title":"Porcelain teapot for the kitchen","description":"Holds 1 l, with a tea infuser","categories":["kitchen"]}"#)
        #expect(put.status == 200)
        #expect(put.body["text_vector"] as? String == "pending", "the write does not wait for the encoder")
        #expect(try eventually(timeout: 2) { try fixture.request("GET", "/v1/items/teapot-new").body["text_vector"] as? String == "ready" })
        #expect(Date().timeIntervalSince(written) < 2)

        let metrics = try fixture.text("/metrics")
        #expect(metrics.contains("novarec_item_text_vectors 41") && metrics.contains("novarec_item_text_pending 0"))
        let similar = try fixture.request("GET", "/v1/items/teapot-new/similar?k=4")
        #expect(similar.body["basis"] as? String == "text" && similar.body["fallback"] as? Bool == false)
        let shelf = (similar.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
        #expect(Set(shelf) == ["sku2", "sku12", "sku22", "sku32"], "the other teapots, \(shelf)")

        let list = try fixture.request("GET", "/v1/recommendations?user_id=ann&k=10").body["items"] as? [[String: Any]] ?? []
        #expect(list.count == 10)
        let placed = try #require(list.firstIndex { $0["item_id"] as? String == "teapot-new" }, "\(list)")
        #expect(placed == NewItemPlacement.standard.rank - 1)
        #expect((list[placed]["reason"] as? String ?? "").hasPrefix("new in the catalogue"))
        let camper = try fixture.request("GET", "/v1/recommendations?user_id=ben&k=10").body["items"] as? [[String: Any]] ?? []
        #expect(!camper.contains { $0["item_id"] as? String == "teapot-new" }, "a camper's history does not match a teapot")
        let excluded = try fixture.request("GET", "/v1/recommendations?user_id=ann&k=10&exclude=teapot-new").body["items"] as? [[String: Any]] ?? []
        #expect(!excluded.contains { $0["item_id"] as? String == "teapot-new" })
        #expect(try fixture.request("PUT", "/v1/items/teapot-new", json: #"{"title":"Porcelain teapot for the kitchen","available":false}"#).status == 200)
        let unavailable = try fixture.request("GET", "/v1/recommendations?user_id=ann&k=10").body["items"] as? [[String: Any]] ?? []
        #expect(!unavailable.contains { $0["item_id"] as? String == "teapot-new" }, "an unavailable item is never placed")
    }

    @Test func withoutAnEncoderItemsReportNoVectorAndListsAreTheModels() throws {
        let fixture = try ServiceTests.Fixture()
        let put = try fixture.request("PUT", "/v1/items/teapot-new", json: #"{"title":"Porcelain teapot"}"#)
        #expect(put.body["text_vector"] as? String == "missing")
        #expect(try fixture.request("GET", "/v1/items/teapot-new/similar").body["basis"] as? String == "popularity")
    }
}
