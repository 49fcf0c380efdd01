import HTTPTypes
import Hummingbird
import Metrics

/// Counts each request by route, method and status, and times it by route, as
/// `PREFIX_http_requests_total` and `PREFIX_http_request_duration_seconds`.
///
/// Every label takes few values whatever a client sends: the route is the pattern it matched
/// (`/v1/records/{id}`, never the id) or `unmatched`; the method is one of the few this program
/// serves or `other`; the status is the answer's code. Hummingbird's own `MetricsMiddleware`
/// labels the method as sent, so a client inventing methods would add a series for each.
public struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    let prefix: String
    let factory: any MetricsFactory

    /// Counts into `factory`, under metric names that start with `prefix` (`reld`, `relhub`).
    public init(prefix: String, factory: any MetricsFactory) {
        self.prefix = prefix
        self.factory = factory
    }

    /// Passes the request on, then counts and times its answer.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = requestMethodLabels.contains(request.method) ? request.method.rawValue : "other"
        do {
            let response = try await next(request, context)
            record(route: context.endpointPath, method: method, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(route: context.endpointPath, method: method, status: status, since: start)
            throw error
        }
    }

    private func record(route: String?, method: String, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        // Hummingbird names a request no route matched "NotFound"; a pattern starts with "/".
        let route = route.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        let code = (100...599).contains(status.code) ? String(status.code) : "other"
        Counter(
            label: "\(prefix)_http_requests_total", dimensions: [("route", route), ("method", method), ("code", code)],
            factory: factory
        ).increment()
        Timer(label: "\(prefix)_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .record(duration: ContinuousClock.now - start)
    }
}

extension MetricsCatalog {
    /// The HELP text of the metrics ``RequestMetrics`` makes under `prefix`.
    public static func requests(prefix: String) -> [String: String] {
        [
            "\(prefix)_http_requests_total": "Requests answered, by route pattern, method and status code.",
            "\(prefix)_http_request_duration_seconds": "Time from a request's arrival to its answer's head, by route pattern.",
        ]
    }
}

/// Methods with a label of their own; any other is `other`.
private let requestMethodLabels: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]
