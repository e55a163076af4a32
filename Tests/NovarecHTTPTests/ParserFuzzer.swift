import NovarecHTTP

/// A deterministic, seeded mutation fuzzer for `HTTPRequestParser` (libFuzzer needs a dedicated
/// executable target; this runs inside the test bundle). Each input is a mutated seed request;
/// the parser must not crash, must never consume more than it was given, must respect the limits,
/// and must produce the same events whether the bytes arrive at once or in random pieces.
struct ParserFuzzer {
    struct Report: CustomStringConvertible {
        var inputs = 0
        var requests = 0
        var failures = 0
        var incomplete = 0
        var violations: [String] = []

        var description: String {
            "\(inputs) inputs: \(requests) requests parsed, \(failures) rejected, \(incomplete) incomplete, \(violations.count) violations"
        }
    }

    /// Small limits, so mutations reach the limit checks too.
    static let limits = ServerLimits(maxHeaderBytes: 512, maxHeaderCount: 12, maxBodyBytes: 256)

    private static let seeds: [[UInt8]] = [
        "GET /v1/items/42?x=1&y=%20z HTTP/1.1\r\nHost: shop\r\nAccept: */*\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nwiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "HEAD http://shop.example/p%2Fq HTTP/1.1\r\nHost: shop.example\r\n\r\n",
        "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"
    ].map { Array($0.utf8) }

    private static let tokens: [[UInt8]] = [
        "\r\n", "\r\n\r\n", "\n", "\r", " ", "\t", ":", ";", ",", "%", "%00", "%zz", "%2F", "+", "?", "&", "=",
        "Content-Length: ", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "chunked", "0\r\n\r\n",
        "Host: h\r\n", "Expect: 100-continue\r\n", "Connection: close\r\n", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0",
        "-1", "99999999999999999999", "ffffffffffffffff", "\u{0}", "\u{7F}", "\u{FF}"
    ].map { Array($0.utf8) }

    private static let interestingBytes: [UInt8] = [0, 0x09, 0x0A, 0x0D, 0x20, 0x25, 0x2B, 0x2C, 0x2D, 0x30, 0x3A, 0x3B, 0x46, 0x66, 0x7F, 0x80, 0xFF]

    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func run(iterations: Int) -> Report {
        var report = Report()
        for _ in 0..<iterations {
            let input = mutatedInput()
            check(input, pieceSize: 1 + random.next(below: 32), into: &report)
            report.inputs += 1
            if report.violations.count >= 10 { break }
        }
        return report
    }

    private mutating func mutatedInput() -> [UInt8] {
        var input = ParserFuzzer.seeds[random.next(below: ParserFuzzer.seeds.count)]
        for _ in 0..<(1 + random.next(below: 4)) { mutate(&input) }
        return input
    }

    private mutating func mutate(_ input: inout [UInt8]) {
        let position = random.next(below: input.count + 1)
        switch random.next(below: 8) {
        case 0 where position < input.count:
            input[position] ^= UInt8(1) << UInt8(random.next(below: 8))
        case 1 where position < input.count:
            input[position] = ParserFuzzer.interestingBytes[random.next(below: ParserFuzzer.interestingBytes.count)]
        case 2:
            input.insert(contentsOf: ParserFuzzer.tokens[random.next(below: ParserFuzzer.tokens.count)], at: position)
        case 3 where position < input.count:
            input.removeSubrange(position..<min(input.count, position + 1 + random.next(below: 8)))
        case 4 where position < input.count:
            let end = min(input.count, position + 1 + random.next(below: 16))
            input.insert(contentsOf: input[position..<end], at: position)
        case 5:
            input.removeSubrange(position...)
        case 6:
            let other = ParserFuzzer.seeds[random.next(below: ParserFuzzer.seeds.count)]
            input = Array(input[..<position]) + other[random.next(below: other.count)...]
        default:
            input.insert(contentsOf: [UInt8](repeating: 0x61, count: random.next(below: 600)), at: position)
        }
    }

    private func check(_ input: [UInt8], pieceSize: Int, into report: inout Report) {
        let (whole, consumed) = ParserFuzzer.parseAtOnce(input)
        if consumed > input.count { report.violations.append("consumed \(consumed) of \(input.count): \(ParserFuzzer.show(input))") }
        let pieces = Parse.eventsFedInPieces(input, pieceSize: pieceSize, limits: ParserFuzzer.limits)
        if pieces.map(\.summary) != whole.map(\.summary) {
            report.violations.append("piece size \(pieceSize) gave \(pieces.map(\.summary)) instead of \(whole.map(\.summary)) for \(ParserFuzzer.show(input))")
        }
        for event in whole {
            switch event {
            case .request(let request):
                report.requests += 1
                if let problem = ParserFuzzer.limitViolation(request) { report.violations.append("\(problem): \(ParserFuzzer.show(input))") }
            case .failure:
                report.failures += 1
            case .needMoreData:
                report.incomplete += 1
            }
        }
    }

    private static func parseAtOnce(_ input: [UInt8]) -> ([HTTPRequestParser.Event], Int) {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPRequestParser.Event] = []
        var offset = 0
        input.withUnsafeBytes { buffer in
            while offset <= buffer.count, events.count <= buffer.count {
                let (event, consumed) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                offset += consumed
                events.append(event)
                guard case .request = event else { return }
            }
        }
        return (events, offset)
    }

    /// The input as an escaped string literal, to paste into a regression test.
    static func show(_ input: [UInt8]) -> String {
        String(decoding: input, as: UTF8.self).debugDescription
    }

    private static func limitViolation(_ request: HTTPRequest) -> String? {
        if request.body.count > limits.maxBodyBytes { return "body over the limit" }
        if request.headers.count > limits.maxHeaderCount { return "too many headers accepted" }
        if request.path.utf8.contains(0) || !request.rawPath.hasPrefix("/") { return "bad path \(request.rawPath)" }
        if request.version != .http1_1 && request.version != .http1_0 { return "bad version" }
        return nil
    }
}

/// SplitMix64: a tiny, fast, reproducible generator for the fuzzer.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(max(bound, 1)))
    }
}
