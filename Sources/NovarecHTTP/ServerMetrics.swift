import Foundation
import Synchronization

/// Request counters and latency histograms by method, route pattern and status, plus connection
/// gauges, for operators. The owner exposes them (e.g. on `/metrics`) via `prometheusText()`.
/// Thread-safe; recording takes one uncontended lock. Methods outside the standard set count as
/// `OTHER`, so clients cannot inflate the number of series.
public final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram buckets.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct SeriesKey: Hashable, Comparable {
        let method: String
        let route: String
        let status: Int

        static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
            (lhs.route, lhs.method, lhs.status) < (rhs.route, rhs.method, rhs.status)
        }
    }

    private struct Histogram {
        var bucketCounts = [Int](repeating: 0, count: ServerMetrics.latencyBuckets.count)
        var count = 0
        var sum = 0.0
        var bodyBytes = 0

        mutating func record(bucket: Int?, seconds: Double, bodyBytes: Int) {
            if let bucket { bucketCounts[bucket] += 1 }
            count += 1
            sum += seconds
            self.bodyBytes += bodyBytes
        }
    }

    private struct State {
        var series: [SeriesKey: Histogram] = [:]
        var openConnections = 0
        var acceptedConnections = 0
        var rejectedConnections = 0
    }

    private let state = Mutex(State())

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    public init() {}

    public func recordRequest(method: String, route: String, status: Int, seconds: Double, bodyBytes: Int) {
        let bucket = ServerMetrics.latencyBuckets.firstIndex { seconds <= $0 }
        let key = SeriesKey(method: ServerMetrics.standardMethods.contains(method) ? method : "OTHER", route: route, status: status)
        state.withLock { $0.series[key, default: Histogram()].record(bucket: bucket, seconds: seconds, bodyBytes: bodyBytes) }
    }

    func connectionOpened() {
        state.withLock { state in
            state.openConnections += 1
            state.acceptedConnections += 1
        }
    }

    func connectionClosed() { state.withLock { $0.openConnections -= 1 } }

    func connectionRejected() { state.withLock { $0.rejectedConnections += 1 } }

    public var openConnections: Int { state.withLock { $0.openConnections } }

    /// Requests recorded so far for one series (mainly for tests and health reports).
    public func requestCount(method: String, route: String, status: Int) -> Int {
        state.withLock { $0.series[SeriesKey(method: method, route: route, status: status)]?.count ?? 0 }
    }

    /// The Prometheus text exposition format (version 0.0.4), metric names starting with `prefix`.
    public func prometheusText(prefix: String = "http") -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        let ordered = snapshot.series.sorted { $0.key < $1.key }
        lines.append(contentsOf: header("\(prefix)_requests_total", "counter", "Requests answered, by method, route pattern and status."))
        lines.append(contentsOf: ordered.map { "\(prefix)_requests_total{\(labels($0.key))} \($0.value.count)" })
        lines.append(contentsOf: header("\(prefix)_response_body_bytes_total", "counter", "Response body bytes sent, by method, route pattern and status."))
        lines.append(contentsOf: ordered.map { "\(prefix)_response_body_bytes_total{\(labels($0.key))} \($0.value.bodyBytes)" })
        lines.append(contentsOf: header("\(prefix)_request_duration_seconds", "histogram", "Time from a request's first byte to its response being written."))
        lines.append(contentsOf: ordered.flatMap { histogramLines("\(prefix)_request_duration_seconds", $0.key, $0.value) })
        lines.append(contentsOf: header("\(prefix)_open_connections", "gauge", "Client connections open now."))
        lines.append("\(prefix)_open_connections \(snapshot.openConnections)")
        lines.append(contentsOf: header("\(prefix)_connections_total", "counter", "Client connections accepted."))
        lines.append("\(prefix)_connections_total \(snapshot.acceptedConnections)")
        lines.append(contentsOf: header("\(prefix)_connections_rejected_total", "counter", "Connections answered 503 because the connection limit was reached."))
        lines.append("\(prefix)_connections_rejected_total \(snapshot.rejectedConnections)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func header(_ name: String, _ type: String, _ help: String) -> [String] {
        ["# HELP \(name) \(help)", "# TYPE \(name) \(type)"]
    }

    private func histogramLines(_ name: String, _ key: SeriesKey, _ histogram: Histogram) -> [String] {
        var cumulative = 0
        var lines = zip(ServerMetrics.latencyBuckets, histogram.bucketCounts).map { bound, count in
            cumulative += count
            return "\(name)_bucket{\(labels(key)),le=\"\(bound)\"} \(cumulative)"
        }
        lines.append("\(name)_bucket{\(labels(key)),le=\"+Inf\"} \(histogram.count)")
        lines.append("\(name)_sum{\(labels(key))} \(histogram.sum)")
        lines.append("\(name)_count{\(labels(key))} \(histogram.count)")
        return lines
    }

    private func labels(_ key: SeriesKey) -> String {
        "method=\"\(escape(key.method))\",route=\"\(escape(key.route))\",status=\"\(key.status)\""
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
