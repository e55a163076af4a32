import Dispatch
import Foundation

/// The listening socket: resolves host and port (IPv4 or IPv6), binds with `SO_REUSEADDR` only (so
/// a second instance on the same port fails with EADDRINUSE instead of silently sharing it) and,
/// once started on an event loop, hands every accepted, non-blocking socket to `onAccept` on that
/// loop's thread. Its mutable state is confined to that loop (hence `@unchecked Sendable`).
final class Listener: EventLoopChannel, @unchecked Sendable {
    /// The bound address as `host:port` (`[host]:port` for IPv6), with the real port when 0 was asked.
    let address: String
    let port: Int
    /// Whether the bound address is a loopback one (only this machine can connect).
    let isLoopback: Bool
    private let fd: Int32
    private let onAccept: (Int32) -> Void
    private var loop: EventLoop?
    private var stopped = false

    /// How long accepting pauses when the process is out of file descriptors.
    private static let descriptorExhaustionPause = DispatchTimeInterval.milliseconds(100)

    init(host: String, port: Int, backlog: Int32, onAccept: @escaping (Int32) -> Void) throws {
        let fd = try Listener.bind(host: host, port: port, backlog: backlog)
        guard let (boundHost, boundPort) = Socket.localAddress(of: fd) else { try Listener.fail(fd, "getsockname") }
        self.fd = fd
        self.port = boundPort
        self.isLoopback = Socket.isBoundToLoopback(fd)
        self.address = boundHost.contains(":") ? "[\(boundHost)]:\(boundPort)" : "\(boundHost):\(boundPort)"
        self.onAccept = onAccept
    }

    /// Starts accepting on `loop`.
    func start(on loop: EventLoop) {
        self.loop = loop
        loop.execute { [self] in
            loop.register(fd, self)
            loop.watch(fd, reading: true, writing: false)
        }
    }

    /// Stops accepting and closes the socket; connections already accepted are unaffected.
    func stop() {
        loop?.execute { [self] in
            guard !stopped else { return }
            stopped = true
            loop?.deregister(fd)
            close(fd)
        }
    }

    /// Closes a listener that was never started.
    func discard() {
        close(fd)
    }

    private static func bind(host: String, port: Int, backlog: Int32) throws -> Int32 {
        let endpoint = "\(host):\(port)"
        let (address, length) = try Socket.resolve(host: host, port: port)
        let fd = socket(Int32(address.ss_family), Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket \(endpoint)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard bound == 0 else { try fail(fd, "bind \(endpoint)") }
        guard listen(fd, backlog) == 0 else { try fail(fd, "listen \(endpoint)") }
        return fd
    }

    /// Closes `fd` and throws, keeping the failed call's errno.
    private static func fail(_ fd: Int32, _ operation: String) throws -> Never {
        let error = SocketError(operation)
        close(fd)
        throw error
    }

    /// Accepts until the backlog is empty. On descriptor exhaustion, stops watching the socket
    /// briefly instead of spinning on a backlog it cannot drain.
    func readable() {
        while !stopped {
            let client = accept(fd, nil, nil)
            if client >= 0 {
                Socket.configureAccepted(client)
                onAccept(client)
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return pauseAccepting()
            default: return
            }
        }
    }

    func writable() {}

    func checkDeadline(now: UInt64) {}

    private func pauseAccepting() {
        guard let loop else { return }
        loop.watch(fd, reading: false, writing: false)
        DispatchQueue.global().asyncAfter(deadline: .now() + Listener.descriptorExhaustionPause) { [self] in
            loop.execute { [self] in
                guard !stopped else { return }
                loop.watch(fd, reading: true, writing: false)
            }
        }
    }
}
