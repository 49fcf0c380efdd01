import Foundation
import Logging
import RelModel
import RelStore

@testable import RelSync

/// A replica for the sync tests: its own store next to the hub's, and an engine that reaches the
/// hub through a ``FakeFeed`` with its own token. Rounds run only when a test calls
/// ``SyncEngine/syncNow()`` (or starts ``SyncEngine/run()``).
struct Replica {
    let database: AppDatabase
    let engine: SyncEngine
    let log: LogCapture

    /// The node id.
    var node: String { database.nodeID }

    init(
        _ name: String, hub: FakeHub, token: String? = nil, clock: SyncClock = .system, metrics: SyncMetrics = SyncMetrics(),
        configure: (inout FeedSettings) throws -> Void = { _ in }
    ) throws {
        database = try AppDatabase(path: hub.directory.appendingPathComponent("\(name)-\(UUID().uuidString).sqlite").path)
        var settings = FeedSettings(url: try FeedURL(hub.url))
        try configure(&settings)
        log = LogCapture()
        engine = SyncEngine(
            database: database, settings: settings, feed: FakeFeed(hub: hub, token: token ?? "token-\(name)"),
            logger: log.logger, clock: clock, metrics: metrics)
    }

    /// Writes events with these ids; returns how many changes they logged.
    @discardableResult
    func write(_ ids: String...) async throws -> Int {
        let before = try await database.changes().count
        for id in ids { try await database.create(try event(id)) }
        return try await database.changes().count - before
    }

    /// The ids of the live records, sorted.
    func ids() async throws -> [String] {
        try await database.exportDocuments().map { try JSONValue.parse($0)["id"]?.stringValue ?? "?" }
    }

    /// Runs a round now and returns its report, or fails the test with the round's error.
    func sync() async throws -> SyncEngine.Report {
        try await engine.syncNow().get()
    }
}

/// Runs `body` with a new hub, and removes its directory (replicas' stores included) after.
func withHub(_ body: (FakeHub) async throws -> Void) async throws {
    let hub = try FakeHub()
    do { try await body(hub) } catch {
        await hub.remove()
        throw error
    }
    await hub.remove()
}

/// An event with just what the schema requires.
func event(_ id: String, title: String = "Talks resume") throws -> Record {
    try RecordValidator.record(
        from: try JSONValue.parse(
            """
            {"id":\(JSONText.quoted(id)),"kind":"event","title":\(JSONText.quoted(title)),"category":"diplomatic","date":"2023-02-07","parties":["ML","RU"]}
            """)
    ) { UUID().uuidString.lowercased() }
}

/// A clock that stands still at `now`, with the top of each backoff jitter window.
func fixedClock(_ now: Date) -> SyncClock {
    SyncClock(now: { now }, jitter: { 1 })
}

/// Keeps what a logger said, for tests that check a line is written (once).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(level: Logger.Level, message: String)] = []

    /// A logger that writes here.
    var logger: Logger { Logger(label: "test") { _ in Handler(capture: self) } }

    /// Every message at `level`, in order.
    func messages(_ level: Logger.Level) -> [String] {
        lock.withLock { entries.filter { $0.level == level }.map(\.message) }
    }

    /// How many messages at `level` start with `prefix`.
    func count(_ level: Logger.Level, startingWith prefix: String) -> Int {
        messages(level).filter { $0.hasPrefix(prefix) }.count
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) {
        lock.withLock { entries.append((level, message)) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(event.level, event.message.description)
        }
    }
}
