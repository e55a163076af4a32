import Foundation
import NovarecStore
import Testing
@testable import NovarecService

/// A batch that repeats an `event_id` is refused whole, naming both positions, so the database
/// (which would store the first) and memory (which would take both) never disagree.
struct DuplicateEventTests {
    @Test func aRepeatedEventIDInOneBatchIsA422NamingBothPositions() throws {
        let fixture = try ServiceTests.Fixture()
        let repeated = UUID()
        let events = [
            IdentifierValidationTests.event(user: "dora", item: "sku2", id: repeated),
            IdentifierValidationTests.event(user: "dora", item: "sku4"),
            IdentifierValidationTests.event(user: "dora", item: "sku6", id: repeated)
        ]
        let answer = try fixture.request("POST", "/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
        IdentifierValidationTests.expectInvalid(answer, field: "events[2].event_id")
        let error = (answer.body["errors"] as? [[String: Any]])?.first
        #expect(error?["index"] as? Int == 2 && error?["duplicate_of"] as? Int == 0, "\(answer.body)")
        #expect((error?["detail"] as? String)?.contains("events[0]") == true)
        #expect(try fixture.store.count() == 0, "nothing stored")
        #expect(fixture.service.engine.histories.history(of: "dora") == nil, "nothing taken into memory")
        let distinct = try fixture.request("POST", "/v1/events", json: #"{"events":[\#(events.dropLast().joined(separator: ","))]}"#)
        #expect(distinct.status == 202)
        #expect(try fixture.store.count() == 2)
        #expect(Set(fixture.service.engine.histories.history(of: "dora") ?? []) == ["sku2", "sku4"])
    }

    /// The engine itself (callers other than HTTP) takes a repeated id in once, as stored.
    @Test func theEngineTakesARepeatedIDInOnce() throws {
        let fixture = try ServiceTests.Fixture()
        let id = UUID()
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        let event = BehaviourEvent(eventID: id, userID: "emil", itemID: "sku2", kind: .view, timestamp: time)
        let result = try fixture.service.engine.ingest([event, event])
        #expect(result.stored == 1)
        #expect(fixture.service.engine.histories.history(of: "emil") == ["sku2"])
    }
}
