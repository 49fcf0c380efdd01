import RelModel

/// The sync part of `GET /v1/status`.
public struct SyncInfo: Codable, Sendable, Equatable {
    /// The feed URL.
    public var feed: String
    /// Whether the feed is a snapshot document, followed pull-only.
    public var readOnly: Bool
    /// `idle`, `syncing`, `backing_off` or `offline`.
    public var state: String
    /// When a round last succeeded, ISO 8601 UTC.
    public var lastSuccess: String?
    /// Why the last round failed.
    public var lastError: String?
    /// When the next round is due, ISO 8601 UTC.
    public var nextAttempt: String?
    /// While a round runs (`state` is `syncing`): what it has done so far; absent otherwise.
    public var round: RoundProgress?

    /// Creates the info.
    public init(
        feed: String, readOnly: Bool, state: String, lastSuccess: String?, lastError: String?, nextAttempt: String?,
        round: RoundProgress? = nil
    ) {
        self.feed = feed
        self.readOnly = readOnly
        self.state = state
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.nextAttempt = nextAttempt
        self.round = round
    }

    enum CodingKeys: String, CodingKey {
        case feed
        case readOnly = "read_only"
        case state
        case lastSuccess = "last_success"
        case lastError = "last_error"
        case nextAttempt = "next_attempt"
        case round
    }
}

/// What the sync round in flight has done so far, in `GET /v1/status`.
public struct RoundProgress: Codable, Sendable, Equatable {
    /// Pages of the feed pulled and merged.
    public var pages: Int
    /// Changes pulled that were new here.
    public var pulled: Int
    /// Local changes pushed.
    public var pushed: Int

    /// Creates the counts.
    public init(pages: Int, pulled: Int, pushed: Int) {
        self.pages = pages
        self.pulled = pulled
        self.pushed = pushed
    }
}

/// `POST /v1/sync`: what one round did.
public struct SyncResponse: Codable, Sendable, Equatable {
    /// Changes pulled that were new here.
    public var pulled: Int
    /// Local changes pushed.
    public var pushed: Int
    /// Conflicts opened by the round, on the wire `new_conflicts` (`conflicts` is only ever the
    /// list of `GET /v1/conflicts`, and the count of all open ones is `open_conflicts`).
    public var conflicts: Int
    /// Whether the feed answered "not modified".
    public var notModified: Bool
    /// Whether the feed is a snapshot that this node only follows: local changes are never pushed.
    public var readOnly: Bool
    /// Local changes not pushed after the round (on a read-only feed, they stay local).
    public var pendingChanges: Int

    /// Creates the response.
    public init(pulled: Int, pushed: Int, conflicts: Int, notModified: Bool, readOnly: Bool = false, pendingChanges: Int = 0) {
        self.pulled = pulled
        self.pushed = pushed
        self.conflicts = conflicts
        self.notModified = notModified
        self.readOnly = readOnly
        self.pendingChanges = pendingChanges
    }

    enum CodingKeys: String, CodingKey {
        case pulled, pushed
        case conflicts = "new_conflicts"
        case notModified = "not_modified"
        case readOnly = "read_only"
        case pendingChanges = "pending_changes"
    }
}

/// One version of a field in a conflict.
public struct VersionInfo: Codable, Sendable, Equatable {
    /// The value.
    public var value: JSONValue
    /// The node that wrote it.
    public var node: String
    /// Whether that node is this one.
    public var local: Bool
    /// When, ISO 8601 UTC (from its clock stamp).
    public var time: String
    /// The packed clock stamp, as a decimal string: it exceeds 2^53, which JavaScript and jq
    /// numbers do not hold exactly.
    public var hlc: String
    /// The node's human name (`[node] name`), where known; absent otherwise.
    public var nodeName: String?

    /// Creates the info.
    public init(value: JSONValue, node: String, local: Bool, time: String, hlc: HLCTimestamp, nodeName: String? = nil) {
        self.value = value
        self.node = node
        self.local = local
        self.time = time
        self.hlc = String(hlc.rawValue)
        self.nodeName = nodeName
    }

    enum CodingKeys: String, CodingKey {
        case value, node, local, time, hlc
        case nodeName = "node_name"
    }
}

/// An open conflict: the value every replica shows, and the concurrent values that lost.
public struct ConflictInfo: Codable, Sendable, Equatable {
    /// The record.
    public var recordID: String
    /// Its title.
    public var title: String
    /// The field.
    public var field: String
    /// The value shown now.
    public var current: VersionInfo
    /// The values that lost.
    public var others: [VersionInfo]

    /// Creates the info.
    public init(recordID: String, title: String, field: String, current: VersionInfo, others: [VersionInfo]) {
        self.recordID = recordID
        self.title = title
        self.field = field
        self.current = current
        self.others = others
    }

    enum CodingKeys: String, CodingKey {
        case recordID = "record_id"
        case title, field, current, others
    }
}

/// `GET /v1/conflicts`.
public struct ConflictsResponse: Codable, Sendable, Equatable {
    /// Open conflicts, by record and field.
    public var conflicts: [ConflictInfo]
    /// Creates the response.
    public init(conflicts: [ConflictInfo]) { self.conflicts = conflicts }
}
