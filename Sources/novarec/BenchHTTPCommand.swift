import ArgumentParser
import Foundation

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
    @Option(help: "Keep-alive connections (one client thread drives them all).") var connections = 64
    @Option(help: "Seconds after which an unanswered request counts as failed.") var timeout = 10.0

    func validate() throws {
        guard rate > 0, duration > 0, connections > 0, users > 0, timeout > 0 else {
            throw ValidationError("--rate, --duration, --connections, --users and --timeout must be positive")
        }
        guard rate * duration >= 1, rate * duration <= 1e9 else {
            throw ValidationError("--rate × --duration must come to between 1 and 1,000,000,000 requests")
        }
        guard timeout <= ServeCommand.longestTime else { throw ValidationError("--timeout must be at most \(Int(ServeCommand.longestTime)) seconds") }
        guard address.split(separator: ":").count == 2, let port = Int(address.split(separator: ":")[1]), (1...65_535).contains(port) else {
            throw ValidationError("--address must be host:port, e.g. 127.0.0.1:8080")
        }
    }

    func run() throws {
        let parts = address.split(separator: ":")
        let (host, port) = (String(parts[0]), UInt16(parts[1])!)
        let total = Int(rate * duration)
        let client = try OpenLoopClient(host: host, port: port, connections: connections)
        let pieces = path.components(separatedBy: "{user}").map { Array($0.utf8) }
        let hostLine = Array("\(host):\(port)".utf8)
        let outcome = client.run(total: total, rate: rate, timeout: UInt64(timeout * 1e9)) { index in
            let user = Array(String((index * 7_919) % users + 1).utf8)
            return Array("GET ".utf8) + pieces.joined(separator: user) + Array(" HTTP/1.1\r\nHost: ".utf8) + hostLine + Array("\r\n\r\n".utf8)
        }
        let latencies = outcome.latencies.sorted()
        guard !latencies.isEmpty else {
            throw CommandFailure(description: "no request succeeded (\(outcome.failures) failed): is novarec serve on \(address)?")
        }
        let percentile = { (p: Double) in Double(latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))]) / 1e6 }
        print(
            String(
                format: "open loop: %d requests due at %.0f/s over %.0f s (%d connections); answered %d (%.0f/s), failed %d",
                total, rate, duration, connections, latencies.count, Double(latencies.count) / (Double(outcome.elapsed) / 1e9), outcome.failures))
        print(
            String(
                format: "latency from due time: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", percentile(0.5), percentile(0.99),
                percentile(0.999), Double(latencies.last!) / 1e6))
    }
}
