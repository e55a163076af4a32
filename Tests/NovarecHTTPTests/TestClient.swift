import Foundation

/// A blocking socket client for tests: raw bytes out, responses parsed just enough to check them.
/// Every read has a generous timeout so a server bug fails the test instead of hanging it.
final class TestClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1", timeout: Double = 15) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let address = list else { throw Failure(description: "resolve \(host)") }
        defer { freeaddrinfo(list) }
        // `fd` is set only once connected: a class whose stored properties are all set runs its
        // deinit when its initialiser throws, and a second close of the number would close
        // whatever another test opened under it meanwhile.
        let descriptor = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var interval = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        guard connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "connect \(host):\(port): \(reason)")
        }
        fd = descriptor
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send failed: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    /// The next response; `headOnly` for answers to HEAD (no body despite Content-Length).
    func readResponse(headOnly: Bool = false) throws -> TestResponse {
        let headEnd = try readUntil([0x0D, 0x0A, 0x0D, 0x0A])
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var response = try TestResponse(head: head)
        let length = headOnly || response.status < 200 || response.status == 204 ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        try fill(length)
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// True when the server closed the connection (EOF, or a reset after it closed) before
    /// sending anything more.
    func readsEndOfStream() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        let count = read(fd, &byte, 1)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    /// Whether a read would return at once: bytes, the end of the stream or an error.
    func hasInput() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return !buffer.isEmpty || poll(&entry, 1, 0) > 0
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if let index = buffer.firstRange(of: marker)?.lowerBound { return index }
            try readMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try readMore() }
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else {
            throw Failure(
                description: count == 0
                    ? "connection closed; buffered: \(String(decoding: buffer, as: UTF8.self))"
                    : "read failed: \(String(cString: strerror(errno)))")
        }
        buffer.append(contentsOf: chunk[..<count])
    }
}

/// A response as read by `TestClient`.
struct TestResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    var body: [UInt8] = []

    init(head: String) throws {
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw TestClient.Failure(description: "bad status line: \(lines[0])")
        }
        self.status = status
        self.headers = lines.dropFirst().map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestClient.Failure(description: "not a JSON object: \(text)")
        }
        return object
    }
}
