import Foundation
import NovarecStore
import Testing
@testable import NovarecService

/// Ids are bounded in UTF-8 bytes and free of control characters, categories free of the store's
/// separator, exclusion lists bounded: each mistake is a 422 problem naming the field.
struct IdentifierValidationTests {
    typealias Fixture = ServiceTests.Fixture

    /// 129 two-byte characters: within 256 characters, beyond 256 bytes.
    static let wideID = String(repeating: "é", count: 129)

    static func event(user: String, item: String = "sku1", id: UUID = UUID()) -> String {
        #"{"event_id":"\#(id.uuidString)","user_id":"\#(user)","item_id":"\#(item)","type":"view"}"#
    }

    static func expectInvalid(_ answer: (status: Int, body: [String: Any]), field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == 422, "\(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.body["field"] as? String == field, "\(answer.body)", sourceLocation: sourceLocation)
    }

    @Test func idsAreBoundedInBytesNotCharacters() {
        #expect(IdentifierRule.idViolation(String(repeating: "a", count: 256)) == nil)
        #expect(IdentifierRule.idViolation(String(repeating: "é", count: 128)) == nil, "256 bytes")
        #expect(IdentifierRule.idViolation(Self.wideID)?.contains("258") == true)
        #expect(IdentifierRule.idViolation("") != nil)
        for control in ["\u{0}", "\u{8}", "\u{9}", "\u{A}", "\u{1F}", "\u{7F}"] {
            #expect(IdentifierRule.idViolation("a\(control)b") != nil, "\(control.unicodeScalars.first!.value)")
        }
        #expect(IdentifierRule.idViolation("a\u{80}b") == nil, "C1 controls are printable enough for ids")
    }

    @Test func badEventIDsAnswer422NamingTheEvent() throws {
        let fixture = try Fixture()
        let wide = try fixture.request("POST", "/v1/events", json: #"{"events":[\#(Self.event(user: "ok")),\#(Self.event(user: Self.wideID))]}"#)
        Self.expectInvalid(wide, field: "events[1].user_id")
        for escaped in [#"\u0008"#, #"\u000b"#, #"\u001f"#, #"\u007f"#, #"\t"#] {
            let answer = try fixture.request("POST", "/v1/events", json: #"{"events":[\#(Self.event(user: "u", item: "a" + escaped + "b"))]}"#)
            Self.expectInvalid(answer, field: "events[0].item_id")
        }
        #expect(try fixture.store.count() == 0)
        let longest = String(repeating: "x", count: 256)
        #expect(try fixture.request("POST", "/v1/events", json: #"{"events":[\#(Self.event(user: longest, item: "é"))]}"#).status == 202)
    }

    @Test func badItemIDsAndCategoriesAnswer422() throws {
        let fixture = try Fixture()
        Self.expectInvalid(try fixture.request("PUT", "/v1/items/a%1Fb", json: #"{"title":"t"}"#), field: "item_id")
        Self.expectInvalid(
            try fixture.request("PUT", "/v1/items/sku1", json: #"{"title":"t","categories":["ok","a\u001fb"]}"#),
            field: "categories[1]")
        let batch = #"{"items":[{"item_id":"sku1","title":"t"},{"item_id":"\#(Self.wideID)","title":"t"}]}"#
        Self.expectInvalid(try fixture.request("POST", "/v1/items", json: batch), field: "items[1].item_id")
        Self.expectInvalid(try fixture.request("GET", "/v1/items/a%07"), field: "item_id")
        Self.expectInvalid(try fixture.request("GET", "/v1/items/\(String(repeating: "x", count: 257))/similar"), field: "item_id")
    }

    @Test func recommendationNamesAndListsAreChecked() throws {
        let fixture = try Fixture()
        Self.expectInvalid(try fixture.request("GET", "/v1/recommendations?user_id=a%0Ab"), field: "user_id")
        Self.expectInvalid(try fixture.request("GET", "/v1/recommendations?user_id=a&category=x%1Fy"), field: "category")
        let tooMany = (0...RecommendationQuery.maxExcluded).map { "i\($0)" }
        Self.expectInvalid(try fixture.request("GET", "/v1/recommendations?user_id=a&exclude=\(tooMany.joined(separator: ","))"), field: "exclude")
        let quoted = tooMany.map { "\"\($0)\"" }.joined(separator: ",")
        Self.expectInvalid(try fixture.request("POST", "/v1/recommendations", json: #"{"user_id":"a","exclude":[\#(quoted)]}"#), field: "exclude")
        Self.expectInvalid(try fixture.request("POST", "/v1/recommendations", json: #"{"history":["sku1","sku2","\u0000"]}"#), field: "history[2]")
        let longHistory = (0...RecommendationQuery.maxHistory).map { "\"i\($0)\"" }.joined(separator: ",")
        Self.expectInvalid(try fixture.request("POST", "/v1/recommendations", json: #"{"history":[\#(longHistory)]}"#), field: "history")
        Self.expectInvalid(try fixture.request("POST", "/v1/recommendations", json: #"{"user_id":"\#(Self.wideID)"}"#), field: "user_id")
        let allowed = tooMany.dropLast().map { "\"\($0)\"" }.joined(separator: ",")
        #expect(try fixture.request("POST", "/v1/recommendations", json: #"{"user_id":"a","exclude":[\#(allowed)]}"#).status == 200)
    }
}
