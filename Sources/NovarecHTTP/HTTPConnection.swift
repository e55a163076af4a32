import Dispatch
import Foundation

/// One client connection: reads bytes, parses requests, hands them to the router and writes the
/// responses back in order. A state machine whose mutable state is touched only on the thread of
/// its `EventLoop` (hence `@unchecked Sendable`); fast handlers run right there, slow ones on the
/// handler queue. One request is handled at a time, so pipelined requests are answered in the
/// order they came. A request whose body is still to
/// come is decided on its head first — the router's gates, then the server's body budget — so a
/// refused one is answered without its body ever being buffered.
final class HTTPConnection: EventLoopChannel, @unchecked Sendable {
    private enum Phase {
        /// No byte of the next request yet (a fresh or kept-alive connection).
        case awaitingRequest
        case readingHead
        case readingBody
        /// A handler runs; further bytes are only buffered.
        case handling
        /// A response is being written; further bytes are only buffered.
        case responding
        /// Output is shut down; input is drained until the peer closes, so it reads our last
        /// response instead of losing it to a reset.
        case lingering
        case closed
    }

    /// The metrics route label of requests rejected by the parser, of request timeouts and of
    /// bodies refused for the server's body budget.
    static let invalidRoute = "invalid"
    static let timeoutRoute = "timeout"
    static let overloadRoute = "overload"

    private static let readBufferBytes = 16 * 1024
    private static let lingerSeconds = 2.0
    private static let retainedBufferBytes = 64 * 1024

    let id: UInt64
    private let fd: Int32
    private let loop: EventLoop
    private let context: ConnectionContext
    private let onClose: @Sendable (HTTPConnection) -> Void
    private let readBuffer: UnsafeMutableRawBufferPointer

    private var phase = Phase.awaitingRequest
    private var parser: HTTPRequestParser
    private var input: [UInt8] = []
    private var inputStart = 0
    private var output: [UInt8] = []
    private var outputSent = 0
    private var readingPaused = true
    private var awaitingWritable = false
    /// The connection's single timeout (uptime nanoseconds): phases move it on every request.
    private var deadline: UInt64?
    private var inputClosed = false
    private var closeAfterResponse = false
    private var shuttingDown = false
    private var continueSent = false
    /// When the current request's first byte was read (the loop's clock).
    private var requestStarted: UInt64 = 0
    private var requestsServed = 0
    /// Bytes of the server's body budget this connection's current request holds.
    private var reservedBodyBytes = 0
    /// Set between requests; the server may reclaim the connection then (`reclaimIfIdle`).
    private let idleMark = IdleMark()

    init(fd: Int32, id: UInt64, loop: EventLoop, context: ConnectionContext, onClose: @escaping @Sendable (HTTPConnection) -> Void) {
        self.fd = fd
        self.id = id
        self.loop = loop
        self.context = context
        self.onClose = onClose
        self.parser = HTTPRequestParser(limits: context.limits)
        self.readBuffer = .allocate(byteCount: HTTPConnection.readBufferBytes, alignment: 16)
    }

    deinit { readBuffer.deallocate() }

    /// Starts reading on the loop; the first request's head must arrive within the header
    /// timeout. Must be called before any other method.
    func start() {
        loop.execute { [self] in
            loop.register(fd, self)
            setDeadline(secondsFromNow: context.limits.headerTimeout)
            resumeReading()
        }
    }

    /// Graceful shutdown: an idle connection closes now; one mid-request finishes that request
    /// and its response says `Connection: close`.
    func beginShutdown() {
        loop.execute { [self] in
            shuttingDown = true
            if phase == .awaitingRequest { close() }
        }
    }

    func forceClose() {
        loop.execute { [self] in close() }
    }

    /// Closes the connection if it is idle between requests (true), for a new client at the
    /// connection cap; callable from any thread.
    func reclaimIfIdle() -> Bool {
        guard idleMark.reclaim() else { return false }
        forceClose()
        return true
    }

    // MARK: Reading

    func readable() {
        guard phase != .closed else { return }
        let count = read(fd, readBuffer.baseAddress, readBuffer.count)
        if count > 0 {
            received(UnsafeRawBufferPointer(rebasing: readBuffer[..<count]))
        } else if count == 0 {
            peerFinishedSending()
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close()
        }
    }

    /// While a request is being answered, further (pipelined) bytes are only buffered, up to one
    /// header block; beyond that, reading pauses until the response is out.
    private func received(_ bytes: UnsafeRawBufferPointer) {
        switch phase {
        case .lingering, .closed:
            return
        case .handling, .responding:
            input.append(contentsOf: bytes)
            if input.count - inputStart > context.limits.maxHeaderBytes { pauseReading() }
        case .awaitingRequest, .readingHead, .readingBody:
            guard phase != .awaitingRequest || idleMark.leaveIdle() else { return }
            input.append(contentsOf: bytes)
            processInput()
        }
    }

    private func peerFinishedSending() {
        inputClosed = true
        pauseReading()
        switch phase {
        case .handling, .responding, .closed: break
        case .awaitingRequest, .readingHead, .readingBody, .lingering: close()
        }
    }

    /// Parses what is buffered: starts a complete request, rejects a malformed one, or waits.
    private func processInput() {
        if phase == .awaitingRequest && inputStart < input.count { requestStarted = loop.clock.now() }
        let (event, consumed) = input.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[inputStart...])) }
        inputStart += consumed
        switch event {
        case .needMoreData: awaitMoreInput()
        case .request(let request): handle(request)
        case .failure(let error): reject(error)
        }
    }

    private func awaitMoreInput() {
        compactInput()
        if let pending = parser.requestAwaitingBody {
            if phase != .readingBody {
                guard admitBody(of: pending) else { return }
                phase = .readingBody
                setDeadline(secondsFromNow: context.limits.bodyTimeout)
            }
            if pending.expectsContinue && !continueSent {
                continueSent = true
                write(HTTPResponseSerializer.continueResponse)
            }
        } else if phase == .awaitingRequest && inputStart < input.count {
            phase = .readingHead
            // The first head's time runs from the connection's start (set then), a later one's
            // from its first byte.
            let headDeadline = loop.clock.now(plus: context.limits.headerTimeout)
            setDeadline(requestsServed == 0 ? min(deadline ?? .max, headDeadline) : headDeadline)
        } else if phase == .awaitingRequest && requestsServed > 0 {
            // Only blank lines came, which a client may send between requests: still idle.
            idleMark.enterIdle()
        }
    }

    /// Decides on the head of a request whose body is still to come: a gate's refusal, or no room
    /// in the server's body budget (503, `Retry-After`), is answered now and the body never read.
    private func admitBody(of head: HTTPRequest) -> Bool {
        if let refused = context.router.admit(stamped(head)) {
            answerUnread(head, refused)
            return false
        }
        let bound = parser.awaitedBodyBound ?? 0
        guard context.bodyBudget.reserve(bound) else {
            let problem = ProblemDetails(
                status: .serviceUnavailable, detail: "The server is receiving too many request bodies at once; retry shortly.",
                headers: ["Retry-After": "1"])
            answerUnread(head, RoutedResponse(response: .problem(problem), route: HTTPConnection.overloadRoute))
            return false
        }
        reservedBodyBytes = bound
        return true
    }

    /// Answers `head` without reading its body, then closes (the unread body cannot be told
    /// apart from a next request).
    private func answerUnread(_ head: HTTPRequest, _ routed: RoutedResponse) {
        closeAfterResponse = true
        record(
            method: head.method.rawValue, path: head.rawPath, route: routed.route, status: routed.response.status,
            bodyBytes: routed.response.body.count, started: requestStarted)
        respond(context.serializer.serialize(routed.response, headOnly: head.method == .head, keepAlive: false, version: head.version))
    }

    private func releaseBody() {
        context.bodyBudget.release(reservedBodyBytes)
        reservedBodyBytes = 0
    }

    private func compactInput() {
        if inputStart == input.count {
            if input.capacity > HTTPConnection.retainedBufferBytes { input = [] } else { input.removeAll(keepingCapacity: true) }
            inputStart = 0
        } else if inputStart >= HTTPConnection.readBufferBytes {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    // MARK: Handling

    private func handle(_ parsed: HTTPRequest) {
        phase = .handling
        deadline = nil
        let started = requestStarted
        let request = stamped(parsed)
        context.router.respond(to: request, offloadingTo: context.handlerQueue) { [self] routed in
            loop.execute { [self] in finish(request, routed, started: started) }
        }
    }

    /// `request` with what the connection knows about where it arrived.
    private func stamped(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        request.listenerIsLoopback = context.listenerIsLoopback.load(ordering: .acquiring)
        return request
    }

    private func finish(_ request: HTTPRequest, _ routed: RoutedResponse, started: UInt64) {
        guard phase == .handling else { return }
        releaseBody()
        if let error = routed.error {
            context.logger.error("\(request.method) \(request.rawPath): handler failed: \(String(describing: error))")
        }
        requestsServed += 1
        closeAfterResponse = !request.keepAlive || shuttingDown || requestsServed >= context.limits.maxRequestsPerConnection
        let headOnly = request.method == .head
        let bytes = context.serializer.serialize(
            routed.response, headOnly: headOnly, keepAlive: !closeAfterResponse,
            version: request.version)
        record(
            method: request.method.rawValue, path: request.rawPath, route: routed.route, status: routed.response.status,
            bodyBytes: headOnly ? 0 : routed.response.body.count, started: started)
        respond(bytes)
    }

    private func reject(_ error: HTTPParseError) {
        closeAfterResponse = true
        let response = HTTPResponse.problem(ProblemDetails(status: error.status, detail: error.detail))
        record(
            method: "-", path: "-", route: HTTPConnection.invalidRoute, status: response.status,
            bodyBytes: response.body.count, started: requestStarted)
        respond(context.serializer.serialize(response, headOnly: false, keepAlive: false, version: .http1_1))
    }

    private func record(method: String, path: String, route: String, status: HTTPStatus, bodyBytes: Int, started: UInt64) {
        let nanoseconds = loop.clock.now() &- started
        context.metrics.recordRequest(
            method: method, route: route, status: status.code, seconds: Double(nanoseconds) / 1e9,
            bodyBytes: bodyBytes)
        context.logger.info("\(method) \(path) \(status.code) \(bodyBytes)B \(HTTPConnection.milliseconds(nanoseconds))ms")
    }

    /// `1.234` for 1,234,000 ns: fixed-point without Foundation's formatter on the hot path.
    private static func milliseconds(_ nanoseconds: UInt64) -> String {
        let microseconds = nanoseconds / 1000
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    // MARK: Writing

    private func respond(_ bytes: [UInt8]) {
        phase = .responding
        if write(bytes) { readyForNextRequest() }
    }

    /// After a response is fully written: close, or serve the next (possibly already buffered) request.
    private func readyForNextRequest() {
        guard !closeAfterResponse && !shuttingDown else { return lingeringClose() }
        phase = .awaitingRequest
        continueSent = false
        setDeadline(secondsFromNow: context.limits.idleTimeout)
        processInput()
        guard phase == .awaitingRequest || phase == .readingHead || phase == .readingBody else { return }
        if inputClosed { return close() }
        if phase == .awaitingRequest { idleMark.enterIdle() }
        resumeReading()
    }

    /// Queues `bytes` and sends what the socket takes; true when everything queued is sent.
    @discardableResult
    private func write(_ bytes: [UInt8]) -> Bool {
        if output.isEmpty { output = bytes } else { output.append(contentsOf: bytes) }
        return flush()
    }

    private func flush() -> Bool {
        while outputSent < output.count {
            let sent = output.withUnsafeBytes { Socket.send(fd, UnsafeRawBufferPointer(rebasing: $0[outputSent...])) }
            if sent >= 0 {
                outputSent += sent
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                awaitWritable()
                return false
            } else if errno != EINTR {
                close()
                return false
            }
        }
        output = []
        outputSent = 0
        setAwaitingWritable(false)
        return true
    }

    private func awaitWritable() {
        setDeadline(secondsFromNow: context.limits.writeTimeout)
        setAwaitingWritable(true)
    }

    func writable() {
        guard phase != .closed, flush(), phase == .responding else { return }
        readyForNextRequest()
    }

    private func setAwaitingWritable(_ awaiting: Bool) {
        guard awaitingWritable != awaiting else { return }
        awaitingWritable = awaiting
        updateInterest()
    }

    // MARK: Timeouts

    func checkDeadline(now: UInt64) {
        guard let deadline else { return }
        guard now >= deadline else { return loop.checkDeadlines(by: deadline) }
        self.deadline = nil
        timedOut()
    }

    private func setDeadline(_ newDeadline: UInt64?) {
        deadline = newDeadline
        if let newDeadline { loop.checkDeadlines(by: newDeadline) }
    }

    private func setDeadline(secondsFromNow seconds: Double) {
        setDeadline(loop.clock.now(plus: seconds))
    }

    /// A request that does not arrive in time gets a best-effort 408; anything else just closes.
    private func timedOut() {
        guard phase == .readingHead || phase == .readingBody else { return close() }
        let pending = parser.requestAwaitingBody
        let response = HTTPResponse.problem(ProblemDetails(status: .requestTimeout, detail: "The request did not arrive in time."))
        record(
            method: pending?.method.rawValue ?? "-", path: pending?.rawPath ?? "-", route: HTTPConnection.timeoutRoute,
            status: response.status, bodyBytes: response.body.count, started: requestStarted)
        let bytes = context.serializer.serialize(response, headOnly: false, keepAlive: false, version: .http1_1)
        _ = bytes.withUnsafeBytes { Socket.send(fd, $0) }
        close()
    }

    // MARK: Closing

    private func lingeringClose() {
        guard !inputClosed else { return close() }
        phase = .lingering
        shutdown(fd, Int32(SHUT_WR))
        input = []
        inputStart = 0
        setDeadline(secondsFromNow: HTTPConnection.lingerSeconds)
        resumeReading()
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        releaseBody()
        deadline = nil
        loop.deregister(fd)
        Glibc.close(fd)
        onClose(self)
    }

    private func pauseReading() {
        guard !readingPaused else { return }
        readingPaused = true
        updateInterest()
    }

    private func resumeReading() {
        guard readingPaused else { return }
        readingPaused = false
        updateInterest()
    }

    private func updateInterest() {
        guard phase != .closed else { return }
        loop.watch(fd, reading: !readingPaused, writing: awaitingWritable)
    }
}
