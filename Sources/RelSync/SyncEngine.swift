import Foundation
import Logging
import RelModel
import RelStore

/// Runs sync rounds with one feed: on an interval, soon after local changes, and on demand;
/// backs off after failures, numbers the rounds and keeps the status. Local writes never wait
/// for it. What a round does (push, pull, feed resets) is ``SyncRound``'s.
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
    let feed: any FeedTransport
    let logger: Logger
    let clock: SyncClock
    let metrics: SyncMetrics
    private var state = State.idle
    private var lastSuccess: Date?
    /// When the loop runs its next round unless nudged: an interval after the last success, or
    /// the backoff's time after a failure (then shown as the status's next attempt). Kept here, not worked out on each wake, so that
    /// waking for a nudge or a status call never pushes it back.
    private var nextRound: Date
    private var lastError: String?
    /// The round in flight's counts so far, for `relctl sync` to show while it waits.
    private var progress: Report?
    private var backoff: Backoff
    /// The round in flight, numbered in the order rounds start.
    private var running: (number: Int, task: Task<Result<Report, FeedError>, Never>)?
    /// Rounds begun so far; a round's number is the count when it began.
    private(set) var roundsStarted = 0
    /// Callers of ``syncNow()`` waiting for their round.
    private(set) var callersWaiting = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var waitGeneration = 0
    private var nudged = false
    private var stopped = false
    /// Whether this run has logged that the feed sent changes under this node's id.
    private let warnedOwnID = LockedFlag()
    private let storeMessage: @Sendable (StoreError) -> String

    /// Creates an engine for `settings` over `database`, talking HTTP to the feed.
    /// `storeMessage` words a store error for the person reading the status and the log (the
    /// store says what happened; the program running the engine knows what its user can do).
    /// Rounds, and what they move, are counted in `metrics`.
    public init(
        database: AppDatabase, settings: FeedSettings, logger: Logger, metrics: SyncMetrics = SyncMetrics(),
        storeMessage: @escaping @Sendable (StoreError) -> String
    ) {
        self.init(
            database: database, settings: settings, feed: FeedClient(settings: settings, metrics: metrics),
            logger: logger, metrics: metrics, storeMessage: storeMessage)
    }

    /// Creates an engine that reaches the feed through `feed` and reads the time and the
    /// backoff's jitter from `clock` (the tests' in-memory hub and fixed clocks).
    init(
        database: AppDatabase, settings: FeedSettings, feed: any FeedTransport, logger: Logger,
        clock: SyncClock = .system, metrics: SyncMetrics = SyncMetrics(),
        storeMessage: @escaping @Sendable (StoreError) -> String = { $0.description }
    ) {
        self.database = database
        self.settings = settings
        self.feed = feed
        self.logger = logger
        self.clock = clock
        self.metrics = metrics
        self.storeMessage = storeMessage
        nextRound = clock.now()
        backoff = Backoff(cap: settings.maxBackoff)
    }

    /// The engine's state.
    public func status() -> Status {
        Status(
            feed: settings.url.string, readOnly: settings.url.isSnapshot, state: state,
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
        callersWaiting += 1
        defer { callersWaiting -= 1 }
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
                    // A round may have run meanwhile (`relctl sync`): it took the writes, or it
                    // failed and its backoff now decides when the next round runs.
                    if nudged, state == .idle { break }
                    continue
                }
                let wait = nextRound.timeIntervalSince(clock.now())
                if wait <= 0 { break }
                await sleep(seconds: wait)
            }
        }
        await feed.shutdown()
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
        let started = ContinuousClock.now
        defer { progress = nil }
        // Writes from here on are pushed by this round or flag the next one.
        nudged = false
        let round = SyncRound(
            database: database, settings: settings, feed: feed, logger: logger,
            warnedOwnID: warnedOwnID, storeMessage: storeMessage
        ) { report in await self.show(progress: report) }
        do throws(FeedError) {
            let report = try await round.run()
            metrics.round(took: ContinuousClock.now - started, moved: report, error: nil, at: clock.now())
            backoff.succeed()
            state = .idle
            lastSuccess = clock.now()
            lastError = nil
            nextRound = clock.now().addingTimeInterval(settings.interval.seconds)
            // The loop may be asleep until an older backoff deadline: let it count from now.
            wake()
            if report.pulled + report.pushed + report.conflicts > 0 {
                logger.info(
                    "synced",
                    metadata: [
                        "feed": "\(settings.url)", "pulled": "\(report.pulled)",
                        "pushed": "\(report.pushed)", "conflicts": "\(report.conflicts)",
                    ])
            }
            return .success(report)
        } catch {
            metrics.round(took: ContinuousClock.now - started, moved: progress ?? Report(), error: error, at: clock.now())
            let wait = backoff.fail(retryAfter: error.retryAfter, unit: clock.jitter())
            state = error.isOffline ? .offline : .backingOff
            if lastError != error.description || backoff.failures == 1 {
                logger.warning("sync failed: \(error)", metadata: ["retry_in_s": "\(Int(wait.seconds.rounded()))"])
            }
            lastError = error.description
            nextRound = clock.now().addingTimeInterval(wait.seconds)
            return .failure(error)
        }
    }

    /// The round in flight's counts so far; only while that round runs, so that a late report
    /// never outlives it.
    private func show(progress report: Report) {
        if progress != nil { progress = report }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
