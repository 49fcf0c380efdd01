import Foundation
import Logging
import RelModel
import RelStore

/// Runs sync rounds with one feed: on an interval, soon after local changes, and on demand;
/// backs off after failures. Local writes never wait for it.
public actor SyncEngine {
    /// What the engine is doing, for `relctl status`.
    public enum State: String, Sendable {
        /// Waiting for the next round.
        case idle
        /// A round is running.
        case syncing
        /// The last round failed; waiting before the next.
        case backingOff = "backing_off"
        /// The feed could not be reached; waiting before the next try.
        case offline
    }

    /// What a round did.
    public struct Report: Sendable, Equatable {
        /// Changes pulled that were new here.
        public var pulled = 0
        /// Local changes pushed.
        public var pushed = 0
        /// Conflicts opened by what was pulled.
        public var conflicts = 0
        /// Whether the feed said nothing changed (HTTP 304).
        public var notModified = false
        /// Pages of the feed pulled (a snapshot counts as one).
        public var pages = 0
    }

    /// The engine's state and history, for `relctl status`.
    public struct Status: Sendable, Equatable {
        /// The feed.
        public var feed: String
        /// Whether the feed is a snapshot document (pull only).
        public var readOnly: Bool
        /// What it is doing.
        public var state: State
        /// When a round last succeeded.
        public var lastSuccess: Date?
        /// Why the last round failed, if it did.
        public var lastError: String?
        /// When the next round is due.
        public var nextAttempt: Date?
        /// What the round in flight has done so far; `nil` when no round runs.
        public var round: Report?
    }

    let database: AppDatabase
    let settings: FeedSettings
    let client: FeedClient
    let logger: Logger
    private var state = State.idle
    private var lastSuccess: Date?
    /// When the loop runs its next round unless nudged: an interval after the last success, or
    /// the backoff's time after a failure (then shown as the status's next attempt). Kept here, not worked out on each wake, so that
    /// waking for a nudge or a status call never pushes it back.
    private var nextRound = Date()
    private var lastError: String?
    /// The round in flight's counts so far, for `relctl sync` to show while it waits.
    private var progress: Report?
    private var backoff: Backoff
    /// The round in flight, numbered in the order rounds start.
    private var running: (number: Int, task: Task<Result<Report, FeedError>, Never>)?
    private var roundsStarted = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var waitGeneration = 0
    private var nudged = false
    private var stopped = false
    /// Whether this run has logged that the feed sent changes under this node's id.
    private var warnedOwnID = false

    /// Creates an engine for `settings` over `database`.
    public init(database: AppDatabase, settings: FeedSettings, logger: Logger) {
        self.database = database
        self.settings = settings
        self.logger = logger
        client = FeedClient(settings: settings)
        backoff = Backoff(cap: settings.maxBackoff)
    }

    /// The engine's state.
    public func status() -> Status {
        Status(feed: settings.url.string, readOnly: settings.url.isSnapshot, state: state,
               lastSuccess: lastSuccess, lastError: lastError,
               nextAttempt: lastError == nil ? nil : nextRound, round: progress)
    }

    /// Local changes are waiting: sync soon (unless backing off).
    public func nudge() {
        nudged = true
        wake()
    }

    /// Runs one round now, after any round in flight (which may have begun before what the
    /// caller wants synced); ignores any backoff wait.
    public func syncNow() async -> Result<Report, FeedError> {
        // Only a round that starts after this call is sure to push what the caller wrote
        // before it; several callers that arrive together share one such round.
        let startedBefore = roundsStarted
        while true {
            guard let running else { return await startRound().value }
            let result = await running.task.value
            if running.number > startedBefore { return result }
        }
    }

    private func startRound() -> Task<Result<Report, FeedError>, Never> {
        roundsStarted += 1
        let number = roundsStarted
        // The round clears its own slot before its result is visible, so whoever wakes on it
        // next sees no stale round.
        let task = Task {
            let result = await self.round()
            if self.running?.number == number { self.running = nil }
            return result
        }
        running = (number, task)
        return task
    }

    /// The loop: a round at start, then on the interval, after nudges, and after backoff waits;
    /// returns after ``stop()``.
    public func run() async {
        while !stopped {
            _ = await syncNow()
            while !stopped {
                if nudged, state == .idle {
                    // Let a burst of writes land before pushing them together.
                    await sleep(seconds: 0.2)
                    break
                }
                let wait = nextRound.timeIntervalSinceNow
                if wait <= 0 { break }
                await sleep(seconds: wait)
            }
        }
        await client.shutdown()
    }

    /// Ends ``run()``, cancelling a round in flight so that shutdown never waits on the
    /// network (what the round applied is committed; the rest is pulled next time).
    public func stop() {
        stopped = true
        running?.task.cancel()
        wake()
    }

    private func sleep(seconds: Double) async {
        waitGeneration += 1
        let generation = waitGeneration
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            await self.wake(generation: generation)
        }
        await withCheckedContinuation { waiter = $0 }
        timer.cancel()
    }

    private func wake(generation: Int? = nil) {
        if let generation, generation != waitGeneration { return }
        waiter?.resume()
        waiter = nil
    }

    private func round() async -> Result<Report, FeedError> {
        state = .syncing
        progress = Report()
        defer { progress = nil }
        // Writes from here on are pushed by this round or flag the next one.
        nudged = false
        do throws(FeedError) {
            let report = try await settings.url.isSnapshot ? pullSnapshot() : exchange()
            backoff.succeed()
            state = .idle
            lastSuccess = Date()
            lastError = nil
            nextRound = Date().addingTimeInterval(settings.interval.seconds)
            // The loop may be asleep until an older backoff deadline: let it count from now.
            wake()
            if report.pulled + report.pushed + report.conflicts > 0 {
                logger.info("synced", metadata: ["feed": "\(settings.url)", "pulled": "\(report.pulled)",
                                                 "pushed": "\(report.pushed)", "conflicts": "\(report.conflicts)"])
            }
            return .success(report)
        } catch {
            let wait = backoff.fail(retryAfter: error.retryAfter, unit: Double.random(in: 0...1))
            state = error.isOffline ? .offline : .backingOff
            if lastError != error.description || backoff.failures == 1 {
                logger.warning("sync failed: \(error)", metadata: ["retry_in_s": "\(Int(wait.seconds.rounded()))"])
            }
            lastError = error.description
            nextRound = Date().addingTimeInterval(wait.seconds)
            return .failure(error)
        }
    }

    /// Push what is waiting, then pull until the feed has nothing more. A refused push does not
    /// stop the pull: others' changes still arrive, and the round reports the push's error.
    private func exchange() async throws(FeedError) -> Report {
        var report = Report()
        // First: a new feed URL resets the push position, and that must happen before pushing,
        // or the next round pushes everything again.
        _ = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        var pushError: FeedError?
        do { try await push(&report) } catch { pushError = error }
        try await pull(&report)
        if let pushError { throw pushError }
        return report
    }

    private func pull(_ report: inout Report) async throws(FeedError) {
        let position = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        var cursor = position.cursor, etag = position.etag, feedID = position.feedID
        while true {
            let fetched: FeedClient.Fetched<FeedPage>
            do {
                fetched = try await client.pull(since: cursor, limit: settings.batchSize, etag: etag)
            } catch .status(_, 410, _, _) where cursor > 0 {
                // Our cursor is past the feed's end: it was restored from a backup. Start over.
                logger.notice("feed is behind our cursor (restored?); pulling and pushing everything again", metadata: ["feed": "\(settings.url)"])
                try await store { try await self.database.restartFeed(feedID: feedID ?? "") }
                (cursor, etag) = (0, nil)
                try await push(&report)
                continue
            }
            switch fetched {
            case .notModified:
                report.notModified = true
                return
            case .body(let page, let newEtag, _):
                if let known = feedID, known != page.feedID {
                    // The feed was replaced: start over, and give it our changes again.
                    logger.notice("feed was reset; pulling and pushing everything again", metadata: ["feed": "\(settings.url)"])
                    try await store { try await self.database.restartFeed(feedID: page.feedID) }
                    (cursor, etag, feedID) = (0, nil, page.feedID)
                    try await push(&report)
                    continue
                }
                let summary = try await store {
                    try await self.database.applyPulled(page.changes, feedID: page.feedID, next: page.next,
                                                        etag: page.more ? nil : newEtag, lastModified: nil,
                                                        bound: self.settings.clockBound)
                }
                report.pulled += summary.applied
                report.conflicts += summary.conflicts
                report.pages += 1
                warnClaimingOwnID(summary)
                progress = report
                (cursor, etag, feedID) = (page.next, nil, page.feedID)
                if !page.more { return }
            }
        }
    }

    private func push(_ report: inout Report) async throws(FeedError) {
        var size = settings.batchSize
        while true {
            let limit = size
            let (batch, mark) = try await store { try await self.database.changesToPush(limit: limit) }
            guard !batch.isEmpty else { return }
            do {
                _ = try await client.push(PushBatch(changes: batch), node: database.nodeID)
            } catch .status(_, 413, _, _) where size > 1 {
                // Larger than the feed takes (big values): send smaller batches.
                size = max(1, size / 4)
                continue
            }
            try await store { try await self.database.markPushed(mark) }
            report.pushed += batch.count
            progress = report
        }
    }

    private func pullSnapshot() async throws(FeedError) -> Report {
        var report = Report()
        let position = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        switch try await client.snapshot(etag: position.etag, lastModified: position.lastModified) {
        case .notModified:
            report.notModified = true
        case .body(let snapshot, let etag, let lastModified):
            let summary = try await store {
                try await self.database.applyPulled(snapshot.changes, feedID: snapshot.feedID, next: 0, etag: etag,
                                                    lastModified: lastModified, bound: self.settings.clockBound)
            }
            report.pulled = summary.applied
            report.conflicts = summary.conflicts
            report.pages = 1
            warnClaimingOwnID(summary)
        }
        return report
    }

    /// Says once per run, in the log, that the feed sent changes under this node's id that it
    /// never wrote (they were skipped): a hostile or broken peer or hub, or this store was
    /// restored from a backup. Sync goes on; repeating it every round would drown the log.
    private func warnClaimingOwnID(_ summary: ApplySummary) {
        guard summary.claimingOwnID > 0, !warnedOwnID else { return }
        warnedOwnID = true
        logger.warning("the feed sent changes under this node's id that this node never wrote; they were skipped (see docs/sync-protocol.md, \"Node ownership\"). If this store was restored from a backup, start reld on a fresh state directory and import an export",
                       metadata: ["feed": "\(settings.url)", "node": "\(database.nodeID)", "skipped": "\(summary.claimingOwnID)"])
    }

    private func store<T>(_ body: () async throws -> T) async throws(FeedError) -> T {
        do { return try await body() } catch { throw .store("\(error)") }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
