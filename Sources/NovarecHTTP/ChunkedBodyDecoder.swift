/// Incremental decoder of a chunked request body (RFC 9112 §7.1). It consumes bytes as they
/// arrive, so a body trickling in costs linear time, and rejects anything ambiguous: sizes that
/// are not plain hexadecimal, data not followed by CRLF, oversized bodies and trailers.
struct ChunkedBodyDecoder: Sendable {
    /// What one call to `decode` achieved.
    enum Outcome: Sendable, Equatable {
        case needMoreData
        case complete
        case failure(HTTPParseError)
    }

    private enum State: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer
        case done
    }

    /// Longest accepted chunk-size line, extensions included.
    private static let maxSizeLineBytes = 1024

    private(set) var body: [UInt8] = []
    private var state = State.size
    private var trailerBytes = 0
    private let maxBodyBytes: Int
    private let maxTrailerBytes: Int

    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Decodes from the start of `bytes`; returns how many bytes were consumed (they are never
    /// needed again) and whether the body is complete.
    mutating func decode(_ bytes: UnsafeRawBufferPointer) -> (outcome: Outcome, consumed: Int) {
        var consumed = 0
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            let step = advance(rest)
            consumed += step.consumed
            guard case .needMoreData = step.outcome, step.consumed > 0 else { return (step.outcome, consumed) }
        }
    }

    /// One state transition; `.needMoreData` with a non-zero count means "progress, call again".
    private mutating func advance(_ bytes: UnsafeRawBufferPointer) -> (outcome: Outcome, consumed: Int) {
        switch state {
        case .size: readSizeLine(bytes)
        case .data(let remaining): readData(bytes, remaining: remaining)
        case .dataEnd: readDataEnd(bytes)
        case .trailer: readTrailerLine(bytes)
        case .done: (.complete, 0)
        }
    }

    private mutating func readSizeLine(_ bytes: UnsafeRawBufferPointer) -> (outcome: Outcome, consumed: Int) {
        let length: Int
        switch LineScan(bytes, limit: ChunkedBodyDecoder.maxSizeLineBytes) {
        case .incomplete: return (.needMoreData, 0)
        case .tooLong, .bareLineFeed: return (.failure(.invalidChunk), 0)
        case .line(let count): length = count
        }
        switch ChunkedBodyDecoder.chunkSize(UnsafeRawBufferPointer(rebasing: bytes[..<length])) {
        case .none:
            return (.failure(.invalidChunk), 0)
        case .some(0):
            state = .trailer
        case .some(let size):
            guard size <= maxBodyBytes - body.count else { return (.failure(.bodyTooLarge), 0) }
            body.reserveCapacity(body.count + size)
            state = .data(remaining: size)
        }
        return (.needMoreData, length + 2)
    }

    private mutating func readData(_ bytes: UnsafeRawBufferPointer, remaining: Int) -> (outcome: Outcome, consumed: Int) {
        let count = min(remaining, bytes.count)
        body.append(contentsOf: bytes[..<count])
        state = count == remaining ? .dataEnd : .data(remaining: remaining - count)
        return (.needMoreData, count)
    }

    private mutating func readDataEnd(_ bytes: UnsafeRawBufferPointer) -> (outcome: Outcome, consumed: Int) {
        if let first = bytes.first, first != ASCII.cr { return (.failure(.invalidChunk), 0) }
        guard bytes.count >= 2 else { return (.needMoreData, 0) }
        guard bytes[1] == ASCII.lf else { return (.failure(.invalidChunk), 0) }
        state = .size
        return (.needMoreData, 2)
    }

    /// Trailer fields are checked like header fields and discarded; an empty line ends the body.
    private mutating func readTrailerLine(_ bytes: UnsafeRawBufferPointer) -> (outcome: Outcome, consumed: Int) {
        let length: Int
        switch LineScan(bytes, limit: max(maxTrailerBytes - trailerBytes, 0)) {
        case .incomplete: return (.needMoreData, 0)
        case .tooLong: return (.failure(.headerBlockTooLarge), 0)
        case .bareLineFeed: return (.failure(.invalidChunk), 0)
        case .line(let count): length = count
        }
        trailerBytes += length + 2
        guard length > 0 else {
            state = .done
            return (.complete, 2)
        }
        do {
            _ = try HTTPRequestHeadParser.parseField(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
        } catch {
            return (.failure(error), 0)
        }
        return (.needMoreData, length + 2)
    }

    /// `1*HEXDIG [ BWS ";" extensions ]`; nil for anything else, including sizes that overflow.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) -> Int? {
        var size = 0
        var index = 0
        while index < line.count, let digit = ASCII.hexValue(line[index]) {
            guard size <= (Int.max >> 4) else { return nil }
            size = size << 4 | Int(digit)
            index += 1
        }
        guard index > 0 else { return nil }
        while index < line.count, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        guard index < line.count else { return size }
        guard line[index] == ASCII.semicolon else { return nil }
        return line[(index + 1)...].allSatisfy(ASCII.isFieldValueCharacter) ? size : nil
    }
}

/// The CRLF-terminated line at the start of a buffer, looking no further than `limit` bytes.
private enum LineScan {
    case incomplete
    case tooLong
    case bareLineFeed
    /// The line's length without its CRLF.
    case line(Int)

    init(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        guard let lf = bytes.prefix(limit + 2).firstIndex(of: ASCII.lf) else {
            self = bytes.count >= limit + 2 ? .tooLong : .incomplete
            return
        }
        self = lf > 0 && bytes[lf - 1] == ASCII.cr ? .line(lf - 1) : .bareLineFeed
    }
}
