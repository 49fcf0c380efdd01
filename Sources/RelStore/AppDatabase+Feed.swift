import GRDB
import RelModel

/// Where a replica stands with its feed, kept in `meta` so that it survives restarts.
public struct FeedPosition: Sendable, Equatable {
    /// The feed URL these figures belong to.
    public var feedURL: String
    /// The feed's store id, as last seen; a different one means the feed was reset.
    public var feedID: String?
    /// The cursor to pull from next.
    public var cursor: Int64
    /// Validators of the last response, sent back so an unchanged feed answers 304.
    public var etag: String?
    /// `Last-Modified` of the last response (static web servers that send no ETag).
    public var lastModified: String?
    /// This node's changes up to this number are in the feed.
    public var pushedSeq: Int64
    /// This node's changes up to this number are here: the feed need not send them back.
    public var ownHeld: Int64 = 0
}

/// What to mark pushed once the feed has a batch.
public enum PushMark: Sendable, Equatable {
    /// This node's changes up to this number.
    case own(nodeSeq: Int64)
    /// After a reset: every change up to this place in the change log.
    case replay(seq: Int64)
}

extension AppDatabase {
    // MARK: Serving a feed (relhub)

    /// The feed's newest position: the change log's last sequence number.
    public func feedHead() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes") ?? 0 }
    }

    /// Changes after `since`, oldest first, at most `limit`: the page relhub sends, decoded.
    public func feedPage(since: Int64, limit: Int, known: OwnChanges? = nil) async throws -> FeedPage {
        try FeedPage(json: JSONValue.parse(try await feedPageText(since: since, limit: limit, known: known).text))
    }

    /// The same page as ``feedPage(since:limit:)``, as the JSON text relhub sends: stored values
    /// and bases are spliced in as they are, rather than parsed and serialised again. With clock
    /// values as strings, the bases (stored with integers) are rewritten.
    ///
    /// With `known`, the asker's own changes that it holds are left out. The page then ends at
    /// its `limit`-th change or after a scan of ``FeedText/maxScanPerChange`` × `limit`
    /// positions, and `next` is past what was left out, so the asker never asks for those again.
    public func feedPageText(
        since: Int64, limit: Int, hlc form: HLCForm = .integer, known: OwnChanges? = nil
    ) async throws -> (text: String, next: Int64, more: Bool) {
        try await read { db in
            var rows: [LogRow]
            var head: Int64 = 0
            if let known {
                rows = try Self.logRows(
                    db,
                    sql: """
                        SELECT record_id, field, value, hlc, node, node_seq, bases, seq FROM changes
                        WHERE seq > ? AND seq <= ? AND NOT (node = ? AND node_seq <= ?) ORDER BY seq LIMIT ?
                        """, arguments: [since, FeedText.scanEnd(since: since, limit: limit), known.node, known.upTo, limit + 1])
                head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes") ?? 0
            } else {
                rows = try Self.logRows(
                    db,
                    sql: "SELECT record_id, field, value, hlc, node, node_seq, bases, seq FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                    arguments: [since, limit + 1])
            }
            let (next, more) = FeedText.pageEnd(since: since, limit: limit, scanned: known != nil, head: head, rows: &rows)
            let names = try Self.nodeNames(db, Set(rows.map(\.node)))
            return (FeedText.page(feedID: self.nodeID, rows: rows, names: names, next: next, more: more, form: form), next, more)
        }
    }

    /// Log rows selected as `record_id, field, value, hlc, node, node_seq, bases, seq`.
    private static func logRows(_ db: Database, sql: String, arguments: StatementArguments) throws -> [LogRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            LogRow(seq: row[7], recordID: row[0], field: row[1], value: row[2], hlc: row[3], node: row[4], nodeSeq: row[5], bases: row[6])
        }
    }

    /// Every field's value and open conflicts, as the changes that wrote them.
    ///
    /// A snapshot holds no history, so each value carries, as extra bases, the versions of its
    /// field known to be replaced: a follower that holds an older version then knows it was
    /// replaced, rather than taking it for a concurrent edit.
    public func snapshot() async throws -> FeedSnapshot {
        try await read { db in
            var replaced: [String: [Stamp]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT record_id, field, hlc, node FROM superseded") {
                replaced[(row[0] as String) + "\u{0}" + (row[1] as String), default: []]
                    .append(Stamp(hlc: HLCTimestamp(rawValue: row[2]), node: row[3]))
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.record_id, c.field, c.value, c.hlc, c.node, c.node_seq, c.bases, h.winner
                    FROM (SELECT seq, 1 AS winner FROM winners UNION ALL SELECT seq, 0 FROM conflicts) AS h
                    JOIN changes c ON c.seq = h.seq
                    ORDER BY c.seq
                    """)
            let changes = try rows.map { row in
                var change = try FieldState.change(row)
                if row[7] as Bool, let older = replaced[change.recordID + "\u{0}" + change.field] {
                    let known = Set(change.bases)
                    let extra = older.filter { $0 < change.stamp && !known.contains($0) }.sorted().suffix(
                        Change.maxBases - change.bases.count)
                    change.bases += extra
                }
                return change
            }
            return FeedSnapshot(feedID: self.nodeID, changes: changes)
        }
    }

    // MARK: Following a feed (reld)

    /// Where this replica stands with `feedURL`. Pointing reld at another feed starts over
    /// (everything is pulled and pushed again, which merging makes harmless).
    public func feedPosition(feedURL: String) async throws -> FeedPosition {
        try await write { db in
            if try Self.meta(db, "feed_url") != feedURL {
                try Self.setMeta(db, "feed_url", feedURL)
                try Self.resetPosition(db)
            }
            return FeedPosition(
                feedURL: feedURL, feedID: try Self.meta(db, "feed_id"),
                cursor: Int64(try Self.meta(db, "feed_cursor") ?? "0") ?? 0,
                etag: try Self.meta(db, "feed_etag"), lastModified: try Self.meta(db, "feed_last_modified"),
                pushedSeq: Int64(try Self.meta(db, "pushed_seq") ?? "0") ?? 0,
                ownHeld: try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT max(node_seq) FROM changes WHERE node = ?"), arguments: [self.nodeID]) ?? 0)
        }
    }

    /// The feed was reset (its id changed, or it is behind our cursor): pull everything, and push
    /// every change this store holds, others' too, since their nodes may be gone.
    public func restartFeed(feedID: String) async throws {
        try await write { db in
            try Self.resetPosition(db)
            try Self.setMeta(db, "feed_id", feedID)
            try Self.setMeta(db, "replay_seq", "0")
        }
    }

    /// The next changes to push, and what to mark once the feed has them: after a feed reset,
    /// every change in arrival order; otherwise this node's own unpushed changes.
    public func changesToPush(limit: Int) async throws -> (changes: [Change], mark: PushMark) {
        try await write { db in
            if let replay = try Self.meta(db, "replay_seq").flatMap(Int64.init) {
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT record_id, field, value, hlc, node, node_seq, bases, seq FROM changes WHERE seq > ? ORDER BY seq LIMIT ?
                            """), arguments: [replay, limit])
                if let last = rows.last { return (try rows.map(FieldState.change), .replay(seq: last[7])) }
                // Replayed to the end, own changes included: only later ones are left to push.
                let own = try Int64.fetchOne(db, sql: "SELECT max(node_seq) FROM changes WHERE node = ?", arguments: [self.nodeID]) ?? 0
                try Self.setMeta(db, "replay_seq", nil)
                try Self.setMeta(db, "pushed_seq", String(own))
            }
            let pushed = Int64(try Self.meta(db, "pushed_seq") ?? "0") ?? 0
            let changes = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT record_id, field, value, hlc, node, node_seq, bases FROM changes
                        WHERE node = ? AND node_seq > ? ORDER BY node_seq LIMIT ?
                        """), arguments: [self.nodeID, pushed, limit]
            ).map(FieldState.change)
            return (changes, .own(nodeSeq: changes.last?.nodeSeq ?? pushed))
        }
    }

    /// Records that the feed has the changes of a ``changesToPush(limit:)`` batch.
    public func markPushed(_ mark: PushMark) async throws {
        switch mark {
        case .own(let nodeSeq): try await markPushed(through: nodeSeq)
        case .replay(let seq): try await write { db in try Self.setMeta(db, "replay_seq", String(seq)) }
        }
    }

    /// Merges a pulled page and moves the cursor past it in the same transaction, so a crash
    /// leaves either both or neither. Validators are kept for the next conditional request.
    /// `nodeNames` are the names the page gives its nodes (never this node's own).
    public func applyPulled(
        _ changes: [Change], feedID: String, next: Int64, etag: String?, lastModified: String?,
        nodeNames: [String: String] = [:], bound: ClockBound = .default
    ) async throws -> ApplySummary {
        try await applyPulled(
            check(changes, bound: bound), feedID: feedID, next: next, etag: etag, lastModified: lastModified, nodeNames: nodeNames)
    }

    /// Merges a pulled page already checked (see ``check(_:bound:)``) and moves the cursor past
    /// it in the same transaction, as ``applyPulled(_:feedID:next:etag:lastModified:nodeNames:bound:)``.
    public func applyPulled(
        _ checked: CheckedChanges, feedID: String, next: Int64, etag: String?, lastModified: String?,
        nodeNames: [String: String] = [:]
    ) async throws -> ApplySummary {
        let names = nodeNames.filter { $0.key != self.nodeID }
        return try await applyRemote(checked) { db in
            try Self.saveNodeNames(db, names)
            try Self.setMeta(db, "feed_id", feedID)
            try Self.setMeta(db, "feed_cursor", String(next))
            try Self.setMeta(db, "feed_etag", etag)
            try Self.setMeta(db, "feed_last_modified", lastModified)
        }
    }

    /// Records that the feed has this node's changes up to `nodeSeq`.
    private func markPushed(through nodeSeq: Int64) async throws {
        try await write { db in
            let pushed = Int64(try Self.meta(db, "pushed_seq") ?? "0") ?? 0
            if nodeSeq > pushed { try Self.setMeta(db, "pushed_seq", String(nodeSeq)) }
        }
    }

    private static func resetPosition(_ db: Database) throws {
        for key in ["feed_id", "feed_cursor", "feed_etag", "feed_last_modified", "pushed_seq", "replay_seq"] {
            try setMeta(db, key, nil)
        }
    }

    static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.cachedStatement(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            )
            .execute(arguments: [key, value])
        } else {
            try db.cachedStatement(sql: "DELETE FROM meta WHERE key = ?").execute(arguments: [key])
        }
    }
}
