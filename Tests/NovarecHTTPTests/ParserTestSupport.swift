import NovarecHTTP

/// Shorthands over `HTTPRequestParser.parseAll` for the parser tests.
enum Parse {
    static func events(_ text: String, limits: ServerLimits = ServerLimits()) -> [HTTPRequestParser.Event] {
        HTTPRequestParser.parseAll(Array(text.utf8), limits: limits)
    }

    /// The requests parsed before the first non-request event.
    static func requests(_ text: String, limits: ServerLimits = ServerLimits()) -> [HTTPRequest] {
        events(text, limits: limits).compactMap { event in
            if case .request(let request) = event { return request }
            return nil
        }
    }

    static func request(_ text: String, limits: ServerLimits = ServerLimits()) -> HTTPRequest? {
        requests(text, limits: limits).first
    }

    /// The error the input ends in, if it ends in one.
    static func failure(_ text: String, limits: ServerLimits = ServerLimits()) -> HTTPParseError? {
        failure(bytes: Array(text.utf8), limits: limits)
    }

    static func failure(bytes: [UInt8], limits: ServerLimits = ServerLimits()) -> HTTPParseError? {
        guard case .failure(let error) = HTTPRequestParser.parseAll(bytes, limits: limits).last else { return nil }
        return error
    }

    /// Whether the input stops at "need more data" without error.
    static func isIncomplete(_ text: String) -> Bool {
        guard case .needMoreData = events(text).last else { return false }
        return true
    }

    /// Events when `bytes` arrive in pieces of `pieceSize`, each call offered everything unconsumed.
    static func eventsFedInPieces(_ bytes: [UInt8], pieceSize: Int, limits: ServerLimits = ServerLimits()) -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPRequestParser.Event] = []
        var start = 0
        var available = 0
        while true {
            available = min(bytes.count, available + pieceSize)
            while true {
                let (event, consumed) = bytes[start..<available].withUnsafeBytes { parser.parse($0) }
                start += consumed
                if case .needMoreData = event { break }
                events.append(event)
                if case .failure = event { return events }
            }
            if available == bytes.count { break }
        }
        events.append(.needMoreData)
        return events
    }
}

extension HTTPRequestParser.Event {
    /// A comparable summary: method, target, body and keep-alive of a request, or the error.
    var summary: String {
        switch self {
        case .needMoreData: "more"
        case .request(let request): "\(request.method) \(request.target) \(request.body) \(request.keepAlive)"
        case .failure(let error): "error \(error)"
        }
    }
}
