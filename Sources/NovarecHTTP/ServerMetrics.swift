import Foundation
import Synchronization

/// Request counters and latency histograms by method, route pattern and status, plus connection
/// gauges, for operators. The owner exposes them (e.g. on `/metrics`) via `metricFamilies()`.
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

    /// The counters and histograms as metric families, names starting with `prefix`.
    public func metricFamilies(prefix: String = "http") -> [MetricFamily] {
        let snapshot = state.withLock { $0 }
        let ordered = snapshot.series.sorted { $0.key < $1.key }
        return [
            MetricFamily(
                "\(prefix)_requests_total", .counter, help: "Requests answered, by method, route pattern and status.",
                samples: ordered.map { .init(labels: labels($0.key), .integer($0.value.count)) }),
            MetricFamily(
                "\(prefix)_response_body_bytes_total", .counter, help: "Response body bytes sent, by method, route pattern and status.",
                samples: ordered.map { .init(labels: labels($0.key), .integer($0.value.bodyBytes)) }),
            MetricFamily(
                "\(prefix)_request_duration_seconds", .histogram, help: "Time from a request's first byte to its response being written.",
                samples: ordered.flatMap { histogramSamples($0.key, $0.value) }),
            MetricFamily("\(prefix)_open_connections", .gauge, help: "Client connections open now.", .integer(snapshot.openConnections)),
            MetricFamily("\(prefix)_connections_total", .counter, help: "Client connections accepted.", .integer(snapshot.acceptedConnections)),
            MetricFamily(
                "\(prefix)_connections_rejected_total", .counter, help: "Connections answered 503 because the connection limit was reached.",
                .integer(snapshot.rejectedConnections))
        ]
    }

    private func histogramSamples(_ key: SeriesKey, _ histogram: Histogram) -> [MetricFamily.Sample] {
        var cumulative = 0
        var samples = zip(ServerMetrics.latencyBuckets, histogram.bucketCounts).map { bound, count in
            cumulative += count
            return MetricFamily.Sample(suffix: "_bucket", labels: labels(key) + [("le", "\(bound)")], .integer(cumulative))
        }
        samples.append(MetricFamily.Sample(suffix: "_bucket", labels: labels(key) + [("le", "+Inf")], .integer(histogram.count)))
        samples.append(MetricFamily.Sample(suffix: "_sum", labels: labels(key), .real(histogram.sum)))
        samples.append(MetricFamily.Sample(suffix: "_count", labels: labels(key), .integer(histogram.count)))
        return samples
    }

    private func labels(_ key: SeriesKey) -> [(name: String, value: String)] {
        [("method", key.method), ("route", key.route), ("status", String(key.status))]
    }
}
