import NovarecHTTP
import Testing

struct ServerMetricsTests {
    @Test func rendersCountersAndCumulativeHistograms() {
        let metrics = ServerMetrics()
        metrics.recordRequest(method: "GET", route: "/items/{id}", status: 200, seconds: 0.0003, bodyBytes: 10)
        metrics.recordRequest(method: "GET", route: "/items/{id}", status: 200, seconds: 0.02, bodyBytes: 5)
        metrics.recordRequest(method: "BREW", route: "unmatched", status: 404, seconds: 20, bodyBytes: 0)
        let text = PrometheusText.render(metrics.metricFamilies())
        let labels = #"method="GET",route="/items/{id}",status="200""#
        #expect(text.contains("http_requests_total{\(labels)} 2\n"))
        #expect(text.contains("http_response_body_bytes_total{\(labels)} 15\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{\(labels),le=\"0.0005\"} 1\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{\(labels),le=\"0.01\"} 1\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{\(labels),le=\"0.025\"} 2\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} 2\n"))
        #expect(text.contains("http_request_duration_seconds_count{\(labels)} 2\n"))
        #expect(text.contains(#"http_requests_total{method="OTHER",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"le="10.0"} 0"#))
        #expect(text.contains("# TYPE http_request_duration_seconds histogram\n"))
        #expect(text.contains("http_open_connections 0\n"))
        #expect(metrics.requestCount(method: "GET", route: "/items/{id}", status: 200) == 2)
    }

    @Test func escapesLabelValues() {
        let metrics = ServerMetrics()
        metrics.recordRequest(method: "GET", route: "/a\"b\\c", status: 200, seconds: 0, bodyBytes: 0)
        #expect(PrometheusText.render(metrics.metricFamilies()).contains(#"route="/a\"b\\c""#))
    }
}
