import RelModel
import RelStore

/// A second hub store that takes every push a case makes, in the same order as the case's
/// SQLite hub, and serves the replicas' pulls: so the replicas converge through it, while the
/// SQLite hub is what it is held to (each push's answer, then the whole log).
public struct FeedMirror: Sendable {
    /// Checks and merges a batch pushed under `writer` by node `node`, as relhub does.
    public var push: @Sendable (_ changes: [Change], _ writer: String, _ node: String) async throws -> ApplySummary
    /// The page after `since` (at most `limit` changes, leaving out `known`), as its text.
    public var pageText: @Sendable (_ since: Int64, _ limit: Int, _ known: OwnChanges?) async throws -> String
    /// The whole snapshot document: what a replica following the snapshot reads.
    public var snapshotText: @Sendable () async throws -> String

    /// A mirror made of its operations.
    public init(
        push: @escaping @Sendable (_ changes: [Change], _ writer: String, _ node: String) async throws -> ApplySummary,
        pageText: @escaping @Sendable (_ since: Int64, _ limit: Int, _ known: OwnChanges?) async throws -> String,
        snapshotText: @escaping @Sendable () async throws -> String
    ) {
        self.push = push
        self.pageText = pageText
        self.snapshotText = snapshotText
    }
}
