import Foundation
import NovarecHTTP
import Testing

struct ResponseHelpersTests {
    @Test func problemDetailsCarryRFC9457MembersAndExtensions() throws {
        let problem = ProblemDetails(
            status: .unprocessableContent, detail: "k must be at most 100.", type: "https://novarec.dev/problems/bad-k",
            instance: "/v1/recommendations", extensions: ["field": "k", "status": "ignored"])
        let response = HTTPResponse.problem(problem)
        #expect(response.status == .unprocessableContent)
        #expect(response.headers["content-type"] == "application/problem+json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["type"] as? String == "https://novarec.dev/problems/bad-k")
        #expect(object["title"] as? String == "Unprocessable Content")
        #expect(object["status"] as? Int == 422)
        #expect(object["detail"] as? String == "k must be at most 100.")
        #expect(object["instance"] as? String == "/v1/recommendations")
        #expect(object["field"] as? String == "k")
    }

    @Test func jsonResponsesAreSortedAndTyped() throws {
        let response = try HTTPResponse.json(["b": 2, "a": 1], status: .created)
        #expect(response.status == .created)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"a":1,"b":2}"#)
    }

    @Test func decodingABadBodyIsA400Problem() throws {
        let request = try #require(Parse.request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n{x}"))
        #expect(throws: ProblemDetails.self) { try request.decodeJSON([String: Int].self) }
    }
}
