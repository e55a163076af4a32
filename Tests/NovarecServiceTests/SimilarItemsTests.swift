import Foundation
import Testing
@testable import NovarecService

/// `GET /v1/items/{item_id}/similar` over a real socket.
struct SimilarItemsTests {
    /// Item i sits at angle i·9° on the unit circle: its nearest neighbours are i±1, then i±2.
    private static let circle: [Float] = (0..<40).flatMap { item -> [Float] in
        let angle = Double(item) * .pi / 20
        return [Float(cos(angle)), Float(sin(angle))]
    }

    private func ids(_ answer: (status: Int, body: [String: Any])) -> [String] {
        (answer.body["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
    }

    @Test func nearestItemsByEmbeddingExcludingTheItemAndUnavailableOnes() throws {
        let fixture = try ServiceTests.Fixture(embeddings: Self.circle)
        let answer = try fixture.request("GET", "/v1/items/sku10/similar?k=4")
        #expect(answer.status == 200)
        #expect(answer.body["fallback"] as? Bool == false)
        #expect(Set(ids(answer).prefix(2)) == ["sku9", "sku11"])
        #expect(Set(ids(answer).suffix(2)) == ["sku8", "sku12"])
        let first = (answer.body["items"] as? [[String: Any]])?.first?["similarity"] as? Double ?? 0
        #expect(abs(first - cos(Double.pi / 20)) < 1e-5)
        #expect(try fixture.request("PUT", "/v1/items/sku9", json: #"{"title":"Gone","available":false}"#).status == 200)
        #expect(!ids(try fixture.request("GET", "/v1/items/sku10/similar?k=4")).contains("sku9"))
    }

    @Test func withoutEmbeddingsPopularItemsOfTheSameCategoryAreTheFallback() throws {
        let fixture = try ServiceTests.Fixture()
        let batch =
            #"{"items":[{"item_id":"sku3","title":"Kettle","categories":["kitchen"]},{"item_id":"sku5","title":"Mug","categories":["kitchen"]},{"item_id":"sku7","title":"Pan","categories":["kitchen"]}]}"#
        #expect(try fixture.request("POST", "/v1/items", json: batch).status == 200)
        let answer = try fixture.request("GET", "/v1/items/sku3/similar")
        #expect(answer.body["fallback"] as? Bool == true)
        #expect(Set(ids(answer)) == ["sku5", "sku7"])
    }

    @Test func badRequestsAreProblems() throws {
        let fixture = try ServiceTests.Fixture(embeddings: Self.circle)
        let unknown = try fixture.request("GET", "/v1/items/nope/similar")
        #expect(unknown.status == 404)
        #expect(unknown.body["title"] as? String == "Unknown item")
        let badK = try fixture.request("GET", "/v1/items/sku1/similar?k=0")
        #expect(badK.status == 400)
        #expect(badK.body["field"] as? String == "k")
    }
}
