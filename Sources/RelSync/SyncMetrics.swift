import Foundation
import Metrics

/// What sync counts, made through the program's swift-metrics factory: rounds by how they
/// ended, their duration, what moved, and when a round last succeeded.
///
/// Every series exists from the start (a round result not yet seen reads 0), so a rate over
/// `reld_sync_rounds_total{result="failed"}` works before the first failure.
public struct SyncMetrics: Sendable {
    /// How a round ended, the `result` label.
    enum RoundResult: String, CaseIterable {
        /// Pushed and pulled what there was (perhaps nothing).
        case ok
        /// The feed could not be reached.
        case offline
        /// The feed answered with an error, or what it sent was refused.
        case failed
    }

    private let rounds: [RoundResult: Counter]
    private let roundDuration: Timer
    private let pulledChanges: Counter
    private let pushedChanges: Counter
    private let conflicts: Counter
    let pulledBytes: Counter
    let pushedBytes: Counter
    private let lastSuccess: Gauge

    /// Metrics made by `factory`; the default counts nothing.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        rounds = Dictionary(
            uniqueKeysWithValues: RoundResult.allCases.map {
                ($0, Counter(label: "reld_sync_rounds_total", dimensions: [("result", $0.rawValue)], factory: factory))
            })
        roundDuration = Timer(label: "reld_sync_round_duration_seconds", factory: factory)
        pulledChanges = Counter(label: "reld_sync_pulled_changes_total", factory: factory)
        pushedChanges = Counter(label: "reld_sync_pushed_changes_total", factory: factory)
        conflicts = Counter(label: "reld_sync_conflicts_total", factory: factory)
        pulledBytes = Counter(label: "reld_sync_pulled_bytes_total", factory: factory)
        pushedBytes = Counter(label: "reld_sync_pushed_bytes_total", factory: factory)
        lastSuccess = Gauge(label: "reld_sync_last_success_timestamp_seconds", factory: factory)
    }

    /// The HELP text of each metric, for the program's ``MetricsCatalog``.
    public static let help: [String: String] = [
        "reld_sync_rounds_total": "Sync rounds ended, by result: ok, offline (feed unreachable) or failed.",
        "reld_sync_round_duration_seconds": "Duration of sync rounds, whatever their result.",
        "reld_sync_pulled_changes_total": "Changes pulled from the feed that were new here.",
        "reld_sync_pushed_changes_total": "Local changes the feed accepted.",
        "reld_sync_conflicts_total": "Conflicts opened by pulled changes.",
        "reld_sync_pulled_bytes_total": "Bytes of JSON of every feed answer read, counted after gzip is undone.",
        "reld_sync_pushed_bytes_total": "Bytes of JSON of the pushes the feed answered, counted before gzip.",
        "reld_sync_last_success_timestamp_seconds": "When a sync round last succeeded, in seconds since 1970; 0 until one has.",
    ]

    /// Counts a round that moved `report` and ended at `now`, failing with `error` if it did.
    /// A failed round counts what it moved before failing: those pages were kept.
    func round(took duration: Duration, moved report: SyncEngine.Report, error: FeedError?, at now: Date) {
        roundDuration.record(duration: duration)
        pulledChanges.increment(by: report.pulled)
        pushedChanges.increment(by: report.pushed)
        conflicts.increment(by: report.conflicts)
        if let error {
            rounds[error.isOffline ? .offline : .failed]?.increment()
        } else {
            rounds[.ok]?.increment()
            lastSuccess.record(now.timeIntervalSince1970)
        }
    }
}
