import RelModel

/// What a sync round needs from a feed: pull a page, push a batch, fetch a snapshot document.
///
/// ``FeedClient`` is the one reld uses (HTTP); the unit tests of ``SyncRound`` and ``SyncEngine``
/// use an in-memory feed, so that backoff, feed resets and refused pushes are tried without
/// starting processes. Failures are ``FeedError``s, worded as people see them.
public protocol FeedTransport: Sendable {
    /// `GET /v1/changes?since=&limit=`, conditional on `etag`, leaving out the changes `known`
    /// names (the replica's own, which it has).
    func pull(since: Int64, limit: Int, etag: String?, known: OwnChanges?) async throws(FeedError) -> Fetched<FeedPage>
    /// `GET` of a snapshot document, conditional on its validators.
    func snapshot(etag: String?, lastModified: String?) async throws(FeedError) -> Fetched<FeedSnapshot>
    /// `POST /v1/changes` with a batch; `node` is this replica's own node id (`Reld-Node`) and
    /// `nodeName` its human name (`Reld-Node-Name`).
    func push(_ batch: PushBatch, node: String?, nodeName: String?) async throws(FeedError) -> PushResult
    /// Releases connections; called once, when the engine stops.
    func shutdown() async
}

/// What a conditional GET brought.
public enum Fetched<Body: Sendable>: Sendable {
    /// The feed has nothing new for these validators (HTTP 304).
    case notModified
    /// A body, with the validators to send next time.
    case body(Body, etag: String?, lastModified: String?)
}

extension FeedClient: FeedTransport {}
