import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// Counts requests and records their latency by method, route and status, for `/metrics`.
///
/// The route label is the route's pattern (`/api/v1/orgs/:org`), never the raw path, so the number
/// of series stays bounded whatever URLs clients send; unmatched requests share one label.
///
/// A `Middleware` rather than an `AsyncMiddleware`, like the error middleware, the bearer tokens and the access
/// guard: an `AsyncMiddleware` runs each request through a task of its own (created, scheduled on some event loop,
/// then resumed), and these have nothing to wait for on their usual path.
struct MetricsMiddleware: Middleware {
    let registry: PrometheusCollectorRegistry
    /// The counter and histogram of each method, route and status seen, made once.
    private let made = NIOLockedValueBox<[SeriesKey: Series]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).always { result in
            let status: UInt =
                switch result {
                case .success(let response): response.status.code
                case .failure: 500
                }
            series(for: request, status: status).record(elapsed: ContinuousClock.now - start)
        }
    }

    private struct SeriesKey: Hashable {
        /// Routes are made once, at start, and live as long as the application.
        var route: ObjectIdentifier?
        var method: String
        var status: UInt
    }

    private struct Series {
        let requests: Counter
        let duration: DurationHistogram

        func record(elapsed: Duration) {
            requests.increment()
            duration.record(elapsed)
        }
    }

    private func series(for request: Request, status: UInt) -> Series {
        let key = SeriesKey(
            route: request.route.map(ObjectIdentifier.init), method: request.method.rawValue, status: status)
        if let known = made.withLockedValue({ $0[key] }) { return known }
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let labels = [("method", key.method), ("route", route), ("status", String(status))]
        let series = Series(
            requests: registry.makeCounter(
                descriptor: .init(
                    namespace: "guichet", metricName: "http_requests", unitName: "total",
                    helpText: "HTTP requests by method, route and status"),
                labels: labels),
            duration: registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "guichet", metricName: "http_request_duration", unitName: "seconds",
                    helpText: "HTTP request latency by method, route and status"),
                labels: labels, buckets: Self.buckets))
        made.withLockedValue { $0[key] = series }
        return series
    }
}
