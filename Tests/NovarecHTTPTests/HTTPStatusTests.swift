import NovarecHTTP
import Testing

struct HTTPStatusTests {
    @Test func knownStatusesHaveReasonPhrases() {
        #expect(HTTPStatus.ok.reasonPhrase == "OK")
        #expect(HTTPStatus.notFound.reasonPhrase == "Not Found")
    }
}
