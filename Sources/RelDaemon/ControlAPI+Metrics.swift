import Hummingbird
import RelService

extension ControlAPI {
    /// `GET /metrics`: Prometheus text, the store's gauges read now.
    func scrapeMetrics() async throws -> Response {
        MetricsRegistry.response(try await metrics.scrape(database))
    }
}
