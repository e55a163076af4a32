/// The request parser: a pure state machine over bytes, with no I/O, so it can be unit-tested and
/// fuzzed directly. Feed it the unconsumed bytes of a connection; it reports how many it consumed
/// and whether a request is complete. Pipelined requests come out one per call, in order.
///
/// Contract: every call passes all bytes not yet consumed, starting where the previous call's
/// consumption ended (the bytes of an incomplete head are re-offered, not copied into the parser).
public struct HTTPRequestParser: Sendable {
    /// What one call to `parse` found.
    public enum Event: Sendable {
        case needMoreData
        case request(HTTPRequest)
        case failure(HTTPParseError)
    }

    private enum State: Sendable {
        /// Looking for the blank line that ends a head; `scanned` bytes hold no terminator.
        case head(scanned: Int)
        case fixedBody(HTTPRequest, length: Int)
        case chunkedBody(HTTPRequest, ChunkedBodyDecoder)
        case failed(HTTPParseError)
    }

    private static let headTerminator: [UInt8] = [ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf]

    public let limits: ServerLimits
    private var state = State.head(scanned: 0)

    public init(limits: ServerLimits = ServerLimits()) {
        self.limits = limits
    }

    /// The request whose head is complete and whose body is still arriving, if any (the server
    /// answers `100 Continue` and switches to the body timeout then).
    public var requestAwaitingBody: HTTPRequest? {
        switch state {
        case .fixedBody(let request, _), .chunkedBody(let request, _): request
        case .head, .failed: nil
        }
    }

    /// The most bytes the awaited body may take: its declared length, or `maxBodyBytes` for a
    /// chunked one; nil when no body is awaited.
    public var awaitedBodyBound: Int? {
        switch state {
        case .fixedBody(_, let length): length
        case .chunkedBody: limits.maxBodyBytes
        case .head, .failed: nil
        }
    }

    /// Parses from the start of `bytes`. After `.request`, the next call starts the next request;
    /// after `.failure`, every call repeats it.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        var consumed = 0
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            let step = advance(rest)
            consumed += step.consumed
            guard case .needMoreData = step.event, step.progressed else { return (step.event, consumed) }
        }
    }

    /// Convenience for tests and tools: every event `bytes` produce when offered at once.
    public static func parseAll(_ bytes: [UInt8], limits: ServerLimits = ServerLimits()) -> [Event] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [Event] = []
        var offset = 0
        bytes.withUnsafeBytes { buffer in
            while true {
                let (event, consumed) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                offset += consumed
                events.append(event)
                guard case .request = event else { return }
            }
        }
        return events
    }

    /// One state transition; `progressed` means the state changed and parsing should continue.
    private mutating func advance(_ bytes: UnsafeRawBufferPointer) -> (event: Event, consumed: Int, progressed: Bool) {
        switch state {
        case .head(let scanned): readHead(bytes, scanned: scanned)
        case .fixedBody(let request, let length): readFixedBody(bytes, request: request, length: length)
        case .chunkedBody: readChunkedBody(bytes)
        case .failed(let error): (.failure(error), 0, false)
        }
    }

    private mutating func readHead(_ bytes: UnsafeRawBufferPointer, scanned: Int) -> (event: Event, consumed: Int, progressed: Bool) {
        let skipped = HTTPRequestParser.leadingEmptyLines(bytes)
        if skipped > 0 {
            state = .head(scanned: 0)
            return (.needMoreData, skipped, true)
        }
        // A head of at most maxHeaderBytes has its terminator within this window.
        let window = limits.maxHeaderBytes + HTTPRequestParser.headTerminator.count
        let searchStart = max(0, scanned - 3)
        guard let end = HTTPRequestParser.find(HTTPRequestParser.headTerminator, in: bytes, from: searchStart, to: min(bytes.count, window)) else {
            guard bytes.count < window else { return fail(.headerBlockTooLarge) }
            state = .head(scanned: bytes.count)
            return (.needMoreData, 0, false)
        }
        do {
            let (request, framing) = try HTTPRequestHeadParser.parse(UnsafeRawBufferPointer(rebasing: bytes[..<end]), limits: limits)
            switch framing {
            case .none: return complete(request, consumed: end + 4)
            case .length(let length): state = .fixedBody(request, length: length)
            case .chunked:
                state = .chunkedBody(request, ChunkedBodyDecoder(maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeaderBytes))
            }
            return (.needMoreData, end + 4, true)
        } catch {
            return fail(error)
        }
    }

    private mutating func readFixedBody(
        _ bytes: UnsafeRawBufferPointer, request: HTTPRequest, length: Int
    )
        -> (event: Event, consumed: Int, progressed: Bool)
    {
        guard bytes.count >= length else { return (.needMoreData, 0, false) }
        var request = request
        request.body = Array(bytes[..<length])
        return complete(request, consumed: length)
    }

    private mutating func readChunkedBody(_ bytes: UnsafeRawBufferPointer) -> (event: Event, consumed: Int, progressed: Bool) {
        guard case .chunkedBody(let request, var decoder) = state else { return (.needMoreData, 0, false) }
        state = .head(scanned: 0)  // drop the state's copy so appending to the body does not copy it
        let (outcome, consumed) = decoder.decode(bytes)
        switch outcome {
        case .needMoreData:
            state = .chunkedBody(request, decoder)
            return (.needMoreData, consumed, false)
        case .complete:
            var request = request
            request.body = decoder.body
            return complete(request, consumed: consumed)
        case .failure(let error):
            return fail(error)
        }
    }

    private mutating func complete(_ request: HTTPRequest, consumed: Int) -> (event: Event, consumed: Int, progressed: Bool) {
        state = .head(scanned: 0)
        return (.request(request), consumed, false)
    }

    private mutating func fail(_ error: HTTPParseError) -> (event: Event, consumed: Int, progressed: Bool) {
        state = .failed(error)
        return (.failure(error), 0, false)
    }

    /// Empty lines before a request line are ignored (RFC 9112 §2.2).
    private static func leadingEmptyLines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        while count + 1 < bytes.count, bytes[count] == ASCII.cr, bytes[count + 1] == ASCII.lf { count += 2 }
        return count
    }

    private static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index + pattern.count <= end {
            if bytes[index] == pattern[0], bytes[index + 1] == pattern[1], bytes[index + 2] == pattern[2], bytes[index + 3] == pattern[3] {
                return index
            }
            index += 1
        }
        return nil
    }
}
