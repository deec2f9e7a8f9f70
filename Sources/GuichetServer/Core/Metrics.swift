import Prometheus
import Vapor

/// Counts requests and records their latency by method, route and status, for `/metrics`.
///
/// The route label is the route's pattern (`/api/v1/orgs/:org`), never the raw path, so the number
/// of series stays bounded whatever URLs clients send; unmatched requests share one label.
struct MetricsMiddleware: AsyncMiddleware {
    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next.respond(to: request)
            record(request, status: response.status.code, elapsed: ContinuousClock.now - start)
            return response
        } catch {
            record(request, status: 500, elapsed: ContinuousClock.now - start)
            throw error
        }
    }

    private func record(_ request: Request, status: UInt, elapsed: Duration) {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let labels = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(
                namespace: "guichet", metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests by method, route and status"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "guichet", metricName: "http_request_duration", unitName: "seconds",
                helpText: "HTTP request latency by method, route and status"),
            labels: labels, buckets: Self.buckets
        ).record(elapsed)
    }
}
