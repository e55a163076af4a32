import Foundation
import NovarecHTTP
import NovarecStore
import NovarecTestSupport
import Testing
@testable import NovarecService

/// An admin may shorten a training run, never lengthen it beyond `--train-max-minutes`: a
/// longer `max_minutes` is a 422 naming the field, not a silent clamp.
struct AdminTrainRequestTests {
    static func request(_ body: String) -> HTTPRequest {
        HTTPRequest(method: .post, target: "/v1/admin/train", rawPath: "/v1/admin/train", path: "/v1/admin/train", body: Array(body.utf8))
    }

    static func status(_ body: String, limit: Double) -> Int? {
        do {
            _ = try AdminTrainRequest.parse(request(body), maxMinutes: limit)
            return nil
        } catch {
            return (error as? ProblemDetails)?.status.code
        }
    }

    @Test func maxMinutesCannotExceedTheServersLimit() throws {
        #expect(Self.status(#"{"max_minutes":15}"#, limit: 15) == nil)
        #expect(try AdminTrainRequest.parse(Self.request(#"{"max_minutes":2.5}"#), maxMinutes: 15).options.maxSeconds == 150)
        #expect(Self.status(#"{"max_minutes":15.5}"#, limit: 15) == 422)
        #expect(Self.status(#"{"max_minutes":0}"#, limit: 15) == 400)
        #expect(Self.status(#"{"max_minutes":2000}"#, limit: 5000) == 400, "the absolute day-long bound stays")
    }

    @Test func theAdminRouteAppliesTheConfiguredLimit() throws {
        let database = try ThrowawayPostgres.freshDatabase()
        let replica = try ModelCoordinatorTests.Replica(database: database, name: "limits", policy: TrainingPolicy())
        let answer = try replica.request("POST", "/v1/admin/train", json: #"{"max_minutes":\#(TrainingPolicy().maxMinutes + 1)}"#)
        #expect(answer.status == 422)
        #expect(answer.body["field"] as? String == "max_minutes")
        #expect((answer.body["detail"] as? String)?.contains("--train-max-minutes") == true)
    }
}
