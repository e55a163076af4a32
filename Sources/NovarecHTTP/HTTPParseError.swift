/// Why a request was rejected before reaching a handler. Each case maps to the status the server
/// answers with; every one of them also closes the connection, because after a framing error the
/// server can no longer tell where the next request starts (request smuggling).
public enum HTTPParseError: Error, Sendable, Equatable {
    case malformedRequestLine
    case invalidTarget
    case unsupportedVersion
    case invalidHeaderName
    case invalidHeaderValue
    case obsoleteLineFolding
    case headerBlockTooLarge
    case tooManyHeaders
    case invalidHost
    case invalidContentLength
    case conflictingContentLength
    case contentLengthWithTransferEncoding
    case transferEncodingInHTTP10
    case unsupportedTransferEncoding
    case invalidChunk
    case bodyTooLarge
    case unsupportedExpectation

    public var status: HTTPStatus {
        switch self {
        case .headerBlockTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedTransferEncoding: .notImplemented
        case .unsupportedExpectation: .expectationFailed
        default: .badRequest
        }
    }

    /// A client-facing explanation; it describes the request, never the server.
    public var detail: String {
        switch self {
        case .malformedRequestLine: "The request line must be 'METHOD SP target SP HTTP/x.y'."
        case .invalidTarget: "The request target is not a valid origin-form or absolute-form URI."
        case .unsupportedVersion: "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .invalidHeaderName: "A header field name is empty or contains characters outside the token grammar."
        case .invalidHeaderValue: "A header field value contains control characters."
        case .obsoleteLineFolding: "Header field line folding (obs-fold) is not accepted."
        case .headerBlockTooLarge: "The request line and header fields exceed the size limit."
        case .tooManyHeaders: "The request has more header fields than allowed."
        case .invalidHost: "An HTTP/1.1 request must carry exactly one Host header field."
        case .invalidContentLength: "Content-Length must be a non-negative decimal integer."
        case .conflictingContentLength: "Content-Length values disagree."
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding must not both be present."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in HTTP/1.0 requests."
        case .unsupportedTransferEncoding: "Only the chunked transfer coding is supported."
        case .invalidChunk: "The chunked request body is malformed."
        case .bodyTooLarge: "The request body exceeds the size limit."
        case .unsupportedExpectation: "Only 'Expect: 100-continue' is supported."
        }
    }
}
