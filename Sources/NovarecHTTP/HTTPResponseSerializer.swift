/// Writes a response as the bytes of one HTTP/1.1 message, adding the fields the server owns:
/// `Date`, `Server` (unless the handler set one), `Content-Length` and `Connection`.
struct HTTPResponseSerializer: Sendable {
    /// The interim response that tells a client waiting on `Expect: 100-continue` to send its body.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Fields a handler must not set because they frame the message.
    private static let managedFields = ["Content-Length", "Transfer-Encoding", "Connection", "Date"]

    let date: HTTPDate
    /// `\r\nServer: NAME`, written into every response whose handler set no `Server`.
    private let serverField: [UInt8]

    init(serverName: String, date: HTTPDate) {
        self.date = date
        serverField = Array("\r\nServer: \(serverName)".utf8)
    }

    /// - Parameters:
    ///   - headOnly: answer to HEAD: the body's `Content-Length` without the body.
    ///   - keepAlive: whether the connection stays open; `false` adds `Connection: close`.
    ///   - version: the request's version; an HTTP/1.0 client needs an explicit `keep-alive`.
    func serialize(_ response: HTTPResponse, headOnly: Bool, keepAlive: Bool, version: HTTPVersion) -> [UInt8] {
        let withBody = !response.status.forbidsBody
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192 + (withBody && !headOnly ? response.body.count : 0))
        bytes.append(contentsOf: Self.statusLine(response.status))
        bytes.append(literal: "\r\nDate: ")
        bytes.append(contentsOf: date.current())
        if !response.headers.contains("Server") { bytes.append(contentsOf: serverField) }
        if withBody {
            bytes.append(literal: "\r\nContent-Length: ")
            bytes.append(utf8Of: String(response.body.count))
        }
        if !keepAlive {
            bytes.append(literal: "\r\nConnection: close")
        } else if version == .http1_0 {
            bytes.append(literal: "\r\nConnection: keep-alive")
        }
        for field in response.headers where HTTPResponseSerializer.isWritable(field) {
            bytes.append(literal: "\r\n")
            bytes.append(utf8Of: field.name)
            bytes.append(literal: ": ")
            bytes.append(utf8Of: field.value)
        }
        bytes.append(literal: "\r\n\r\n")
        if withBody && !headOnly { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// The status lines of the statuses with a reason phrase, written once.
    private static let statusLines = Dictionary(uniqueKeysWithValues: HTTPStatus.withReasonPhrases.map { ($0.code, line($0)) })

    private static func statusLine(_ status: HTTPStatus) -> [UInt8] { statusLines[status.code] ?? line(status) }

    private static func line(_ status: HTTPStatus) -> [UInt8] { Array("HTTP/1.1 \(status.code) \(status.reasonPhrase)".utf8) }

    /// Handler fields that would break the framing (managed names, CR/LF injection) are dropped.
    private static func isWritable(_ field: HTTPHeaders.Field) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(ASCII.isTokenCharacter)
            && field.value.utf8.allSatisfy(ASCII.isFieldValueCharacter)
            && !managedFields.contains { HTTPHeaders.namesMatch($0, field.name) }
    }
}
