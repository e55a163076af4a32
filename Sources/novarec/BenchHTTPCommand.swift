import ArgumentParser
import Foundation
import Synchronization

/// `novarec bench http`: open-loop latency. Requests are due at a fixed rate whatever the
/// server answers (request `i` at `start + i / rate`), spread over keep-alive connections, and
/// each latency is measured from when the request was due — so a server that falls behind is
/// charged for the queue it builds (no coordinated omission), unlike a closed-loop `wrk` run,
/// which at 64 connections mostly measures its own queueing.
struct BenchHTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Open-loop latency at a fixed request rate: p50/p99/p99.9 from each request's due time."
    )

    @Option(help: "Server address (host:port, IPv4).") var address = "127.0.0.1:8080"
    @Option(help: "Request path; {user} is replaced by a user id 1…--users, stepping like deploy/bench-users.lua.")
    var path = "/v1/recommendations?user_id={user}&novelty=0.3"
    @Option(help: "Distinct users {user} cycles through.") var users = 22_363
    @Option(help: "Requests per second.") var rate = 5_000.0
    @Option(help: "Seconds of load.") var duration = 30.0
    @Option(help: "Keep-alive connections, one thread each.") var connections = 64

    func validate() throws {
        guard rate > 0, duration > 0, connections > 0, users > 0 else {
            throw ValidationError("--rate, --duration, --connections and --users must be positive")
        }
        guard address.split(separator: ":").count == 2, let port = Int(address.split(separator: ":")[1]), (1...65_535).contains(port) else {
            throw ValidationError("--address must be host:port, e.g. 127.0.0.1:8080")
        }
    }

    func run() throws {
        let parts = address.split(separator: ":")
        let (host, port) = (String(parts[0]), UInt16(parts[1])!)
        let total = Int(rate * duration)
        let start = DispatchTime.now().uptimeNanoseconds + 200_000_000
        let interval = 1e9 / rate
        let results = Mutex((latencies: [UInt64](), failures: 0))
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            let thread = Thread { [path, users, connections] in
                defer { group.leave() }
                var client: LoadClient?
                var latencies: [UInt64] = []
                var failures = 0
                for index in stride(from: connection, to: total, by: connections) {
                    let due = start + UInt64(Double(index) * interval)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1_000)) }
                    let target = path.replacingOccurrences(of: "{user}", with: String((index * 7_919) % users + 1))
                    if client == nil { client = LoadClient(host: host, port: port) }
                    guard let answer = client?.get(target, host: "\(host):\(port)"), (200..<300).contains(answer.status) else {
                        failures += 1
                        client = nil
                        continue
                    }
                    latencies.append(DispatchTime.now().uptimeNanoseconds - due)
                    if !answer.keepAlive { client = nil }
                }
                results.withLock {
                    $0.latencies += latencies
                    $0.failures += failures
                }
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let (latencies, failures) = results.withLock { ($0.latencies.sorted(), $0.failures) }
        guard !latencies.isEmpty else { throw CommandFailure(description: "no request succeeded (\(failures) failed): is novarec serve on \(address)?") }
        let percentile = { (p: Double) in Double(latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))]) / 1e6 }
        print(
            String(
                format: "open loop: %d requests due at %.0f/s over %.0f s (%d connections); answered %d (%.0f/s), failed %d",
                total, rate, duration, connections, latencies.count, Double(latencies.count) / elapsed, failures))
        print(
            String(
                format: "latency from due time: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", percentile(0.5), percentile(0.99),
                percentile(0.999), Double(latencies.last!) / 1e6))
    }
}

/// One blocking keep-alive HTTP/1.1 connection: GET, then read the head and a Content-Length body.
private final class LoadClient {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var pending: [UInt8] = []

    init?(host: String, port: UInt16) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        fd = descriptor
    }

    deinit { close(fd) }

    /// The response's status and whether the connection stays open; nil when it failed.
    func get(_ target: String, host: String) -> (status: Int, keepAlive: Bool)? {
        let request = Array("GET \(target) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
        var headEnd: Int?
        while headEnd == nil {
            guard fill() else { return nil }
            headEnd = pending.indices.dropLast(3).first { pending[$0] == 13 && pending[$0 + 1] == 10 && pending[$0 + 2] == 13 && pending[$0 + 3] == 10 }
        }
        let head = String(decoding: pending[..<headEnd!], as: UTF8.self).lowercased()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let fields = head.split(separator: "\r\n")
        let length = fields.first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = headEnd! + 4 + length
        while pending.count < total { guard fill() else { return nil } }
        pending.removeFirst(total)
        return (status, !fields.contains { $0.hasPrefix("connection:") && $0.contains("close") })
    }

    private func fill() -> Bool {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        pending += buffer[..<count]
        return true
    }
}
