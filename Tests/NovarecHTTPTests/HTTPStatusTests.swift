import NovarecHTTP
import Testing

struct HTTPStatusTests {
    @Test func knownStatusesHaveReasonPhrases() {
        #expect(HTTPStatus.ok.reasonPhrase == "OK")
        #expect(HTTPStatus.notFound.reasonPhrase == "Not Found")
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.reasonPhrase == "Request Header Fields Too Large")
        #expect(HTTPStatus(299).reasonPhrase == "Status 299")
    }

    @Test func bodylessStatuses() {
        #expect(HTTPStatus.noContent.forbidsBody)
        #expect(HTTPStatus.notModified.forbidsBody)
        #expect(HTTPStatus.continue.forbidsBody)
        #expect(!HTTPStatus.ok.forbidsBody)
    }
}
