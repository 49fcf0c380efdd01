import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// One program's metrics: a Prometheus registry, and the swift-metrics factory through which
/// the program's code (the sync engine, the request middleware, the store gauges) fills it.
///
/// Each ``Daemon`` or hub owns one, rather than bootstrapping swift-metrics' global system, so
/// that servers started in one test process keep separate counts. The factory names every
/// metric with its HELP text from ``MetricsCatalog``: swift-prometheus's own factory writes none.
public struct MetricsRegistry: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Where metrics are made: give it to the code that counts.
    public let factory: any MetricsFactory

    /// A registry whose metrics are described by `catalog`.
    public init(catalog: MetricsCatalog) {
        factory = DescribedFactory(registry: registry, catalog: catalog)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric made so far.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        registry.emit(into: &buffer)
        return buffer
    }

    /// The media type of ``exposition()``, for `Content-Type`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}

/// The HELP text and histogram buckets of each metric a program makes, by name.
public struct MetricsCatalog: Sendable {
    /// Help text by metric name.
    public var help: [String: String]
    /// Buckets of each timer, by metric name; timers not named here get ``defaultBuckets``.
    public var buckets: [String: [Duration]]

    /// Creates a catalog.
    public init(help: [String: String], buckets: [String: [Duration]] = [:]) {
        self.help = help
        self.buckets = buckets
    }

    /// From a millisecond to a minute: a control request, a store call, a sync round.
    public static let defaultBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
}

/// swift-metrics' factory protocol over the registry, with each metric's HELP text.
private struct DescribedFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let catalog: MetricsCatalog

    private func help(_ name: String) -> String { catalog.help[name] ?? "" }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help(label))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help(label))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // Every recorder here is a gauge: distributions are timers.
        registry.makeGauge(name: label, labels: dimensions, help: help(label))
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: help(label))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: label, unitName: "", helpText: help(label)),
            labels: dimensions, buckets: catalog.buckets[label] ?? MetricsCatalog.defaultBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

extension MetricsRegistry {
    /// The answer to `GET /metrics`: `exposition`, never cached, since every scrape reads anew.
    public static func response(_ exposition: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: exposition)))
    }
}
