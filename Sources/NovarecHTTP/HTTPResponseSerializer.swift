/// Writes a response as the bytes of one HTTP/1.1 message, adding the fields the server owns:
/// `Date`, `Server` (unless the handler set one), `Content-Length` and `Connection`.
struct HTTPResponseSerializer: Sendable {
    /// The interim response that tells a client waiting on `Expect: 100-continue` to send its body.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Fields a handler must not set because they frame the message.
    private static let managedFields = ["Content-Length", "Transfer-Encoding", "Connection", "Date"]

    let serverName: String
    let date: HTTPDate

    /// - Parameters:
    ///   - headOnly: answer to HEAD: the body's `Content-Length` without the body.
    ///   - keepAlive: whether the connection stays open; `false` adds `Connection: close`.
    ///   - version: the request's version; an HTTP/1.0 client needs an explicit `keep-alive`.
    func serialize(_ response: HTTPResponse, headOnly: Bool, keepAlive: Bool, version: HTTPVersion) -> [UInt8] {
        let withBody = !response.status.forbidsBody
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192 + (withBody && !headOnly ? response.body.count : 0))
        append("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\nDate: ", to: &bytes)
        bytes.append(contentsOf: date.current())
        if !response.headers.contains("Server") { append("\r\nServer: \(serverName)", to: &bytes) }
        if withBody { append("\r\nContent-Length: \(response.body.count)", to: &bytes) }
        if !keepAlive {
            append("\r\nConnection: close", to: &bytes)
        } else if version == .http1_0 {
            append("\r\nConnection: keep-alive", to: &bytes)
        }
        for field in response.headers where HTTPResponseSerializer.isWritable(field) {
            append("\r\n\(field.name): \(field.value)", to: &bytes)
        }
        append("\r\n\r\n", to: &bytes)
        if withBody && !headOnly { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// Handler fields that would break the framing (managed names, CR/LF injection) are dropped.
    private static func isWritable(_ field: HTTPHeaders.Field) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(ASCII.isTokenCharacter)
            && field.value.utf8.allSatisfy(ASCII.isFieldValueCharacter)
            && !managedFields.contains { HTTPHeaders.namesMatch($0, field.name) }
    }

    private func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: text.utf8)
    }
}
