import Metrics
import RelModel
import RelService
import RelStore
import RelSync

/// reld's metrics, served as Prometheus text at `GET /metrics` on the control socket.
///
/// Counters and timers count as things happen (requests, sync rounds); the store's gauges
/// (records, pending changes, open conflicts, file size) are read when scraped: records and
/// pending changes from counts the store keeps, whatever the size of the ledger, and open
/// conflicts by counting them (they are few).
struct DaemonMetrics: Sendable {
    let registry = MetricsRegistry(catalog: DaemonMetrics.catalog)
    /// What the sync engine counts, into the same registry.
    var sync: SyncMetrics { SyncMetrics(factory: registry.factory) }

    static let catalog = MetricsCatalog(
        help: SyncMetrics.help.merging(MetricsCatalog.requests(prefix: "reld")) { a, _ in a }.merging([
            "reld_records": "Live records, by kind.",
            "reld_deleted_records": "Deleted records (kept as tombstones so the deletion syncs).",
            "reld_pending_changes": "Changes made here and not yet accepted by the feed.",
            "reld_open_conflicts": "Fields with an open conflict: a value that lost a concurrent edit.",
            "reld_database_size_bytes": "Size of the database file and its write-ahead log.",
            "reld_build_info": "Always 1; the version label says which reld is running.",
        ]) { a, _ in a },
        buckets: ["reld_sync_round_duration_seconds": MetricsCatalog.defaultBuckets])

    /// The exposition, with the store's gauges read now.
    func scrape(_ database: AppDatabase) async throws -> [UInt8] {
        let stats = try await database.statistics()
        let conflicts = try await database.openConflictCount()
        let factory = registry.factory
        for kind in RecordKind.allCases {
            Gauge(label: "reld_records", dimensions: [("kind", kind.rawValue)], factory: factory).record(stats.counts[kind] ?? 0)
        }
        Gauge(label: "reld_deleted_records", factory: factory).record(stats.deleted)
        Gauge(label: "reld_pending_changes", factory: factory).record(stats.pendingChanges)
        Gauge(label: "reld_open_conflicts", factory: factory).record(conflicts)
        Gauge(label: "reld_database_size_bytes", factory: factory).record(stats.sizeBytes)
        Gauge(label: "reld_build_info", dimensions: [("version", RelVersion.current)], factory: factory).record(1)
        return registry.exposition()
    }
}
