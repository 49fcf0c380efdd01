import Logging
import RelModel
import RelStore

/// One round with a feed: push what waits here, then pull until the feed has nothing more; or,
/// for a snapshot feed, one conditional GET and never a push.
///
/// A round knows nothing of when rounds run, of backoff or of status: ``SyncEngine`` decides
/// those and runs one round at a time. It talks to the feed only through a ``FeedTransport``.
struct SyncRound: Sendable {
    let database: AppDatabase
    let settings: FeedSettings
    let feed: any FeedTransport
    let logger: Logger
    /// Set once this run has logged that the feed sent changes under this node's id; shared by
    /// every round of one engine, so that the warning comes once per run, not once per round.
    let warnedOwnID: LockedFlag
    /// Words a store error for the status and the log.
    let storeMessage: @Sendable (StoreError) -> String
    /// Told the counts so far after each page pulled and each batch pushed, for `relctl sync`
    /// to show while it waits.
    let progress: @Sendable (SyncEngine.Report) async -> Void

    /// Runs the round. What it applied before failing stays committed; the rest comes next round.
    func run() async throws(FeedError) -> SyncEngine.Report {
        try await settings.url.isSnapshot ? pullSnapshot() : exchange()
    }

    /// Push what is waiting, then pull until the feed has nothing more. A refused push does not
    /// stop the pull: others' changes still arrive, and the round reports the push's error.
    private func exchange() async throws(FeedError) -> SyncEngine.Report {
        var report = SyncEngine.Report()
        // First: a new feed URL resets the push position, and that must happen before pushing,
        // or the next round pushes everything again.
        _ = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        var pushError: FeedError?
        do { try await push(&report) } catch { pushError = error }
        try await pull(&report)
        if let pushError { throw pushError }
        return report
    }

    private func pull(_ report: inout SyncEngine.Report) async throws(FeedError) {
        let position = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        var cursor = position.cursor
        var etag = position.etag
        var feedID = position.feedID
        // What was pushed (this round or before) is here already: the feed may leave it out.
        let known = position.ownHeld > 0 ? OwnChanges(node: database.nodeID, upTo: position.ownHeld) : nil
        // The next page, asked for and checked while this one is written: the feed's time, the
        // checks and the write overlap.
        var ahead: Task<Result<Ahead, FeedError>, Never>?
        defer { ahead?.cancel() }
        while true {
            let fetched: Fetched<FeedPage>
            var checked: Result<CheckedChanges, StoreError>?
            do {
                if let next = ahead {
                    ahead = nil
                    (fetched, checked) = try await next.value.get()
                } else {
                    fetched = try await feed.pull(since: cursor, limit: settings.batchSize, etag: etag, known: known)
                }
            } catch .status(_, 410, _, _) where cursor > 0 {
                // Our cursor is past the feed's end: it was restored from a backup. Start over.
                logger.notice(
                    "feed is behind our cursor (restored?); pulling and pushing everything again", metadata: ["feed": "\(settings.url)"])
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
                if page.more { ahead = fetchAhead(since: page.next, known: known) }
                let summary = try await store {
                    try await self.database.applyPulled(
                        checked?.get() ?? self.database.check(page.changes, bound: self.settings.clockBound),
                        feedID: page.feedID, next: page.next, etag: page.more ? nil : newEtag, lastModified: nil,
                        nodeNames: page.nodeNames)
                }
                report.pulled += summary.applied
                report.conflicts += summary.conflicts
                report.pages += 1
                warnClaimingOwnID(summary)
                await progress(report)
                (cursor, etag, feedID) = (page.next, nil, page.feedID)
                if !page.more { return }
            }
        }
    }

    /// A page fetched ahead, and the outcome of checking its changes (`nil` for a 304).
    private typealias Ahead = (fetched: Fetched<FeedPage>, checked: Result<CheckedChanges, StoreError>?)

    /// Starts fetching and checking the page after `since`, to be awaited once this page is
    /// applied. A page that fails its checks is refused when its turn comes, as if checked then.
    private func fetchAhead(since: Int64, known: OwnChanges?) -> Task<Result<Ahead, FeedError>, Never> {
        let (feed, limit, database, bound) = (feed, settings.batchSize, database, settings.clockBound)
        return Task {
            do throws(FeedError) {
                let fetched = try await feed.pull(since: since, limit: limit, etag: nil, known: known)
                guard case .body(let page, _, _) = fetched else { return .success((fetched, nil)) }
                return .success((fetched, Result { () throws(StoreError) in try database.check(page.changes, bound: bound) }))
            } catch {
                return .failure(error)
            }
        }
    }

    private func push(_ report: inout SyncEngine.Report) async throws(FeedError) {
        var size = settings.batchSize
        let name = try await store { try await self.database.nodeName() }
        while true {
            let limit = size
            let (batch, mark) = try await store { try await self.database.changesToPush(limit: limit) }
            guard !batch.isEmpty else { return }
            do {
                _ = try await feed.push(PushBatch(changes: batch), node: database.nodeID, nodeName: name)
            } catch .status(_, 413, _, _) where size > 1 {
                // Larger than the feed takes (big values): send smaller batches.
                size = max(1, size / 4)
                continue
            }
            try await store { try await self.database.markPushed(mark) }
            report.pushed += batch.count
            await progress(report)
        }
    }

    private func pullSnapshot() async throws(FeedError) -> SyncEngine.Report {
        var report = SyncEngine.Report()
        let position = try await store { try await self.database.feedPosition(feedURL: self.settings.url.string) }
        switch try await feed.snapshot(etag: position.etag, lastModified: position.lastModified) {
        case .notModified:
            report.notModified = true
        case .body(let snapshot, let etag, let lastModified):
            let summary = try await store {
                try await self.database.applyPulled(
                    snapshot.changes, feedID: snapshot.feedID, next: 0, etag: etag,
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
        guard summary.claimingOwnID > 0, !warnedOwnID.value else { return }
        warnedOwnID.value = true
        logger.warning(
            "the feed sent changes under this node's id that this node never wrote; they were skipped (see docs/sync-protocol.md, \"Node ownership\"). If this store was restored from a backup, start reld on a fresh state directory and import an export",
            metadata: ["feed": "\(settings.url)", "node": "\(database.nodeID)", "skipped": "\(summary.claimingOwnID)"])
    }

    private func store<T>(_ body: () async throws -> T) async throws(FeedError) -> T {
        do { return try await body() } catch let error as StoreError { throw .store(storeMessage(error)) } catch {
            throw .store("\(error)")
        }
    }
}
