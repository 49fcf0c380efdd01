import RelModel
import RelStore
import RelStorePostgres

/// What the feed routes need of a store. Two stores serve a feed alike, so that a replica
/// cannot tell them apart: SQLite (``AppDatabase``, one relhub per state directory) and
/// PostgreSQL (several relhubs on one database). Both merge with ``MergeRules`` through the
/// store module's one batch merge, and write the same page, snapshot and JSON Feed text.
protocol FeedStore: Sendable {
    /// The feed's id: a new one means the feed was reset, and replicas start again.
    var feedID: String { get }
    /// The feed's newest position: every change at or below it is visible to every reader.
    func feedHead() async throws -> Int64
    /// The page of changes after `since` (docs/sync-protocol.md, section 3), as sent.
    func feedPageText(since: Int64, limit: Int, hlc: HLCForm, known: OwnChanges?) async throws -> (text: String, next: Int64, more: Bool)
    /// Checks and merges a pushed batch, all or nothing (section 4).
    func applyPushed(
        _ changes: [Change], writer: String, declaredNode: String?, declaredName: String?, bound: ClockBound
    ) async throws -> ApplySummary
    /// The snapshot document from one unchanging view of the store, a chunk at a time.
    func openSnapshot(hlc: HLCForm) async throws -> any FeedSnapshotStream
    /// The `limit` most recently changed live records, for `/feed.json`.
    func jsonFeedItems(limit: Int) async throws -> [JSONFeed.Item]
}

/// A snapshot being read: the head it holds, and its text a chunk at a time.
protocol FeedSnapshotStream: Sendable {
    /// The feed's head in this view: what the document holds, exactly.
    var head: Int64 { get }
    /// The text from `position`, and where the next chunk starts (`nil` after the last).
    func chunk(at position: SnapshotStream.Position) async throws -> (text: String, next: SnapshotStream.Position?)
}

extension AppDatabase: FeedStore {
    var feedID: String { nodeID }

    func openSnapshot(hlc: HLCForm) async throws -> any FeedSnapshotStream {
        try await snapshotStream(hlc: hlc)
    }

    func jsonFeedItems(limit: Int) async throws -> [JSONFeed.Item] {
        try await jsonFeedItemsFromFields(limit: limit)
    }
}

extension SnapshotStream: FeedSnapshotStream {}

extension PostgresFeedStore: FeedStore {
    func openSnapshot(hlc: HLCForm) async throws -> any FeedSnapshotStream {
        try await snapshotStream(hlc: hlc)
    }
}

extension PostgresSnapshotStream: FeedSnapshotStream {}
