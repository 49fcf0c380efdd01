import Metrics
import RelModel
import RelService
import Synchronization

/// relhub's metrics, served as Prometheus text at `GET /metrics` (with a feed token).
///
/// No label takes a value a client chooses: routes are patterns, store operations a fixed
/// list, and nodes are counted, never named.
struct HubMetrics: Sendable {
    let registry = MetricsRegistry(catalog: HubMetrics.catalog)
    /// Nodes that pushed or pulled lately, for `relhub_active_nodes`.
    let activeNodes = ActiveNodes()

    /// The path it is served on.
    static let path = "/metrics"

    /// What the hub asks of its store, the `operation` label of `relhub_store_duration_seconds`.
    enum StoreOperation: String {
        /// The head, asked by every pull, health check and snapshot.
        case head
        /// A page of changes.
        case page
        /// Checking and merging a pushed batch, all in one transaction.
        case push
        /// Opening a snapshot's read view.
        case snapshot
        /// The JSON Feed document's items.
        case jsonFeed = "json_feed"
    }

    static let catalog = MetricsCatalog(
        help: MetricsCatalog.requests(prefix: "relhub").merging([
            "relhub_changes": "Changes in the feed: the position of the last one.",
            "relhub_pushed_changes_total": "Pushed changes by result: accepted (new here) or duplicate (held already).",
            "relhub_conflicts_total": "Conflicts opened by pushed changes.",
            "relhub_active_nodes": "Nodes that pushed or pulled in the last 10 minutes (at most \(ActiveNodes.capacity) are told apart).",
            "relhub_store_duration_seconds": "Time the store took, by operation.",
            "relhub_build_info": "Always 1; the version label says which relhub is running.",
            "relhub_store_up": "1 if the store answered this scrape, else 0 (relhub_changes then keeps its last value).",
        ]) { a, _ in a })

    /// Times `body`, a call to the store, under `operation`.
    func store<T>(_ operation: StoreOperation, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer {
            Timer(label: "relhub_store_duration_seconds", dimensions: [("operation", operation.rawValue)], factory: registry.factory)
                .record(duration: ContinuousClock.now - start)
        }
        return try await body()
    }

    /// Counts a merged push.
    func pushed(accepted: Int, duplicates: Int, conflicts: Int) {
        let factory = registry.factory
        Counter(label: "relhub_pushed_changes_total", dimensions: [("result", "accepted")], factory: factory).increment(by: accepted)
        Counter(label: "relhub_pushed_changes_total", dimensions: [("result", "duplicate")], factory: factory).increment(by: duplicates)
        Counter(label: "relhub_conflicts_total", factory: factory).increment(by: conflicts)
    }

    /// The exposition, with the gauges read now; `head` is the feed's, `nil` when the store did
    /// not answer.
    func scrape(head: Int64?) -> [UInt8] {
        let factory = registry.factory
        // Made here too, so that they read 0 before the first push rather than being absent.
        pushed(accepted: 0, duplicates: 0, conflicts: 0)
        if let head { Gauge(label: "relhub_changes", factory: factory).record(head) }
        Gauge(label: "relhub_store_up", factory: factory).record(head == nil ? 0 : 1)
        Gauge(label: "relhub_active_nodes", factory: factory).record(activeNodes.count())
        Gauge(label: "relhub_build_info", dimensions: [("version", RelVersion.current)], factory: factory).record(1)
        return registry.exposition()
    }
}

/// The nodes seen lately, by the id they give (`Reld-Node` on a push, `exclude_node` on a
/// pull), held for ``window``. Bounded: once ``capacity`` ids are held, a new one is not
/// added until old ones expire, so a token holder inventing ids cannot grow it.
final class ActiveNodes: Sendable {
    static let capacity = 10_000
    static let window = Duration.seconds(600)
    private let seen = Mutex<(nodes: [String: ContinuousClock.Instant], expired: ContinuousClock.Instant?)>(([:], nil))

    /// Notes that `node` pushed or pulled now.
    func saw(_ node: String, at now: ContinuousClock.Instant = .now) {
        seen.withLock { seen in
            if seen.nodes[node] == nil, seen.nodes.count >= Self.capacity {
                // Full: look for expired ids at most once a second, so that a stream of new ids
                // costs a lookup each, not a pass over the set each.
                guard seen.expired.map({ now - $0 >= .seconds(1) }) ?? true else { return }
                seen.expired = now
                Self.expire(&seen.nodes, at: now)
                guard seen.nodes.count < Self.capacity else { return }
            }
            seen.nodes[node] = now
        }
    }

    /// Nodes seen within the window before `now`.
    func count(at now: ContinuousClock.Instant = .now) -> Int {
        seen.withLock { seen in
            Self.expire(&seen.nodes, at: now)
            return seen.nodes.count
        }
    }

    private static func expire(_ seen: inout [String: ContinuousClock.Instant], at now: ContinuousClock.Instant) {
        seen = seen.filter { now - $0.value < window }
    }
}
