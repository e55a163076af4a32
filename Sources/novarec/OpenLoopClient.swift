import CEpoll
import Foundation

/// `bench http`'s load generator: one thread drives every keep-alive connection through one
/// `epoll` set, waking for answers or the next due time, so the client takes little of the cores it shares with the server (a blocking
/// thread per connection cost ≈ 60 µs of CPU and two context switches per request). Request `i`
/// is due at `start + i / rate` and goes out on an idle connection; when none is idle, due
/// requests wait in the client and are still charged from their due time.
final class OpenLoopClient {
    struct Outcome {
        /// Nanoseconds from each answered request's due time to its complete response.
        var latencies: [UInt64] = []
        var failures = 0
        /// Nanoseconds from the first due time to the last answer.
        var elapsed: UInt64 = 0
    }

    private final class Connection {
        let fd: Int32
        /// The due time of the request awaiting its answer; nil when idle.
        var due: UInt64?
        /// When that request was sent.
        var sent: UInt64 = 0
        var received: [UInt8] = []

        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    private let address: sockaddr_in
    private let epollFD: Int32
    private var slots: [Connection?] = []
    private var idle: [Int] = []
    private var outcome = Outcome()
    private var receiveBuffer = [UInt8](repeating: 0, count: 65_536)

    /// Fails when `host` is not an IPv4 address or the first connection is refused.
    init(host: String, port: UInt16, connections: Int) throws(CommandFailure) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw CommandFailure(description: "\(host) is not an IPv4 address") }
        self.address = address
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        for slot in 0..<connections {
            slots.append(connect())
            guard slots[slot] != nil else { throw CommandFailure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))") }
            watch(slots[slot]!.fd, slot: UInt64(slot))
            idle.append(slot)
        }
    }

    deinit {
        slots.removeAll()
        close(epollFD)
    }

    /// Sends `total` requests at `rate` per second (`request(i)` is request `i`'s bytes) and
    /// waits for every answer; a request unanswered `timeout` nanoseconds after it was sent
    /// fails, and its connection is replaced.
    func run(total: Int, rate: Double, timeout: UInt64, request: (Int) -> [UInt8]) -> Outcome {
        let start = Self.now() + 200_000_000
        let due = { (index: Int) in start + UInt64(Double(index) * 1e9 / rate) }
        var next = 0
        var finished = 0
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while finished < total {
            let now = Self.now()
            while next < total, due(next) <= now, let slot = idle.popLast() {
                finished += send(request(next), due: due(next), on: slot)
                next += 1
            }
            // Every connection lost and none could be opened again: nothing left to wait for.
            if slots.allSatisfy({ $0 == nil }) {
                outcome.failures += total - finished
                break
            }
            let nextDue = next < total && !idle.isEmpty ? due(next) : UInt64.max
            let count = wait(&events, until: min(nextDue, oldestSent().map { $0 + timeout } ?? .max))
            for event in events.prefix(max(0, Int(count))) { finished += receive(on: Int(event.data.u64)) }
            finished += expire(sentBefore: Self.now() - min(timeout, Self.now()))
        }
        let end = Self.now()
        outcome.elapsed = end - min(start, end)
        return outcome
    }

    // MARK: Connections

    private func connect() -> Connection? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var target = address
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            close(fd)
            return nil
        }
        return Connection(fd: fd)
    }

    private func watch(_ fd: Int32, slot: UInt64) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = slot
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    /// Sends on an idle connection; 1 when the request failed at once.
    private func send(_ bytes: [UInt8], due: UInt64, on slot: Int) -> Int {
        guard let connection = slots[slot] else { return 0 }
        connection.due = due
        connection.sent = Self.now()
        let sent = bytes.withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // A request of a few hundred bytes fits an idle socket's buffer whole; anything less is
        // a broken connection.
        guard sent != bytes.count else { return 0 }
        fail(slot)
        return 1
    }

    /// Reads what `slot` has; 1 when its request was answered or failed.
    private func receive(on slot: Int) -> Int {
        guard let connection = slots[slot] else { return 0 }
        let count = receiveBuffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
        if count < 0, errno == EAGAIN || errno == EINTR { return 0 }
        guard let due = connection.due else {
            // An idle connection the server closed (or that sent what nobody asked for).
            idle.removeAll { $0 == slot }
            replace(slot)
            return 0
        }
        guard count > 0 else {
            fail(slot)
            return 1
        }
        connection.received += receiveBuffer[..<count]
        let framing: LoadResponseFraming?
        do { framing = try connection.received.withUnsafeBufferPointer(LoadResponseFraming.parse) } catch {
            fail(slot)
            return 1
        }
        guard let framing else { return 0 }
        guard (200..<300).contains(framing.status), framing.length == connection.received.count else {
            fail(slot)
            return 1
        }
        outcome.latencies.append(Self.now() - due)
        connection.received.removeAll(keepingCapacity: true)
        connection.due = nil
        if framing.keepAlive { idle.append(slot) } else { replace(slot) }
        return 1
    }

    /// When the longest-waiting request in flight was sent; nil when none is.
    private func oldestSent() -> UInt64? {
        var oldest: UInt64?
        for case let connection? in slots where connection.due != nil { oldest = min(oldest ?? .max, connection.sent) }
        return oldest
    }

    /// Fails the requests in flight sent before `cutoff`; how many.
    private func expire(sentBefore cutoff: UInt64) -> Int {
        let late = slots.indices.filter { slots[$0]?.due != nil && slots[$0]!.sent < cutoff }
        late.forEach(fail)
        return late.count
    }

    /// Counts a failed request and replaces its connection (a new one is idle at once).
    private func fail(_ slot: Int) {
        outcome.failures += 1
        replace(slot)
    }

    private func replace(_ slot: Int) {
        slots[slot] = connect()
        guard let connection = slots[slot] else { return }
        watch(connection.fd, slot: UInt64(slot))
        idle.append(slot)
    }

    // MARK: Time

    /// Waits for answers, until `deadline` (monotonic nanoseconds; `.max`: no deadline).
    private func wait(_ events: inout [epoll_event], until deadline: UInt64) -> Int32 {
        guard deadline != .max else { return epoll_wait(epollFD, &events, Int32(events.count), -1) }
        let left = deadline - min(deadline, Self.now())
        var timeout = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
        return epoll_pwait2(epollFD, &events, Int32(events.count), &timeout, nil)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
