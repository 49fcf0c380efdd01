import Foundation
import Logging
import PostgresNIO
import RelModel
import RelStore

/// relhub's feed kept in PostgreSQL, so that several relhubs on one database serve one feed.
///
/// The same merge as the SQLite store (``BatchMerge`` and ``PushRules`` decide; this type only
/// reads and writes), the same page and snapshot text (``FeedText``): a replica cannot tell
/// which store its hub uses.
///
/// The one rule several processes need: **a push takes the feed's one `feed_state` row
/// `FOR UPDATE` first**, numbers its changes from the head it holds, and sets the new head
/// before it commits. Pushes are serial across every relhub, as on one SQLite hub; so the log
/// is numbered in commit order, and a reader that sees change `n` sees every change before it.
/// A pull's cursor can then never pass a change that commits later (docs/sync-protocol.md,
/// "Several relhubs on one database"). Reads run in parallel everywhere.
public final class PostgresFeedStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The feed's id, created by the first relhub on the database.
    public let feedID: String
    /// Where the database is, for messages.
    public let location: String

    /// How long a read may wait for a connection and its answer before relhub answers 503.
    /// While the database is down the client queues requests rather than failing them, so this
    /// is what makes a replica hear "try again" within seconds.
    static let readDeadline = Duration.seconds(10)
    /// The same for a push, which may also wait for other pushes to commit (up to
    /// `lock_timeout`); one that gives up is rolled back, and the replica pushes it again.
    static let writeDeadline = Duration.seconds(15)

    /// How long a snapshot's view may wait for its reader to take the next chunk.
    let snapshotIdleSeconds: Int

    /// Opens the feed on `client` (whose `run()` must be running): brings the schema up to date
    /// and reads, or creates, the feed id. A snapshot's view lasts while its reader takes no
    /// chunk for up to `snapshotIdleSeconds` (relhub's own stall timeout, plus a margin).
    public static func open(
        client: PostgresClient, location: String, snapshotIdleSeconds: Int = 120, logger: Logger
    ) async throws -> PostgresFeedStore {
        let feedID = try await PostgresFailure.translating(within: .seconds(60)) {
            try await PostgresSchema.prepare(client, location: location, logger: logger)
        }
        return PostgresFeedStore(
            client: client, feedID: feedID, location: location, snapshotIdleSeconds: snapshotIdleSeconds, logger: logger)
    }

    private init(client: PostgresClient, feedID: String, location: String, snapshotIdleSeconds: Int, logger: Logger) {
        self.client = client
        self.feedID = feedID
        self.location = location
        self.snapshotIdleSeconds = snapshotIdleSeconds
        self.logger = logger
    }

    /// What every connection is set up with: its schema and encoding, and bounds on how long
    /// a statement, a lock wait or an idle transaction may last, so that no client can hold
    /// the feed's lock for long. `applicationName` is how the server lists the connection
    /// (`relhub migrate` counts the connections named `relhub` before it copies).
    public static func startupParameters(applicationName: String = "relhub") -> [(String, String)] {
        [
            ("application_name", applicationName), ("client_encoding", "UTF8"), ("search_path", "relhub"),
            ("lock_timeout", "10s"), ("statement_timeout", "60s"), ("idle_in_transaction_session_timeout", "120s"),
        ]
    }

    /// The feed's newest position.
    public func feedHead() async throws -> Int64 {
        let (client, logger) = (self.client, self.logger)
        return try await PostgresFailure.translating(within: Self.readDeadline) {
            try await Self.head(client.query("SELECT head FROM feed_state WHERE id = 1", logger: logger))
        }
    }

    static func head(_ rows: PostgresRowSequence) async throws -> Int64 {
        for try await head in rows.decode(Int64.self) { return head }
        throw StoreError.internal(reason: "feed_state has no row")
    }

    /// A page of changes after `since`, as the SQLite store writes it
    /// (``AppDatabase/feedPageText(since:limit:hlc:known:)``). The head and the rows come from
    /// one statement, so one view of the log: `next` never passes a change the rows miss.
    public func feedPageText(
        since: Int64, limit: Int, hlc form: HLCForm = .integer, known: OwnChanges? = nil
    ) async throws -> (text: String, next: Int64, more: Bool) {
        let (client, logger, feedID) = (self.client, self.logger, self.feedID)
        return try await PostgresFailure.translating(within: Self.readDeadline) {
            let scanEnd = known == nil ? Int64.max : FeedText.scanEnd(since: since, limit: limit)
            let node = known?.node ?? ""
            let upTo = known?.upTo ?? -1
            let rows = try await client.query(
                """
                SELECT f.head, c.seq, c.record_id, c.field, c.value, c.hlc, c.node, c.node_seq, c.bases
                FROM feed_state f LEFT JOIN LATERAL (
                    SELECT * FROM changes WHERE seq > \(since) AND seq <= \(scanEnd) AND NOT (node = \(node) AND node_seq <= \(upTo))
                    ORDER BY seq LIMIT \(Int64(limit) + 1)) c ON true
                WHERE f.id = 1 ORDER BY c.seq
                """, logger: logger)
            var head: Int64 = 0
            var page: [LogRow] = []
            for try await (h, seq, recordID, field, value, hlc, writer, nodeSeq, bases)
                in rows.decode((Int64, Int64?, String?, String?, String?, Int64?, String?, Int64?, String?).self)
            {
                head = h
                guard let seq, let recordID, let field, let value, let hlc, let writer, let nodeSeq, let bases else { continue }
                page.append(
                    LogRow(seq: seq, recordID: recordID, field: field, value: value, hlc: hlc, node: writer, nodeSeq: nodeSeq, bases: bases)
                )
            }
            let (next, more) = FeedText.pageEnd(since: since, limit: limit, scanned: known != nil, head: head, rows: &page)
            let names = try await Self.nodeNames(client, Set(page.map(\.node)), logger: logger)
            return (FeedText.page(feedID: feedID, rows: page, names: names, next: next, more: more, form: form), next, more)
        }
    }

    static func nodeNames(_ client: PostgresClient, _ nodes: Set<String>, logger: Logger) async throws -> [String: String] {
        guard !nodes.isEmpty else { return [:] }
        var names: [String: String] = [:]
        let rows = try await client.query("SELECT node, name FROM node_names WHERE node = ANY(\(Array(nodes)))", logger: logger)
        for try await (node, name) in rows.decode((String, String).self) { names[node] = name }
        return names
    }

    /// The `limit` most recently changed live records, for `/feed.json`, made of their fields'
    /// values as the SQLite hub makes them (``RecordAssembly``), from one view of the store.
    public func jsonFeedItems(limit: Int) async throws -> [JSONFeed.Item] {
        let (client, logger) = (self.client, self.logger)
        return try await PostgresFailure.translating(within: Self.readDeadline) {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                var items: [JSONFeed.Item] = []
                var offset = 0
                // Ranked a window at a time: a deleted or incomplete record takes no item.
                while items.count < limit {
                    var ids: [String] = []
                    let ranked = try await connection.query(
                        """
                        SELECT w.record_id, max(c.hlc) AS updated FROM winners w JOIN changes c ON c.seq = w.seq
                        GROUP BY w.record_id ORDER BY updated DESC, w.record_id LIMIT \(2 * limit) OFFSET \(offset)
                        """, logger: logger)
                    for try await (id, _) in ranked.decode((String, Int64).self) { ids.append(id) }
                    guard !ids.isEmpty else { break }
                    offset += ids.count
                    var values: [String: [RecordAssembly.WinningValue]] = [:]
                    let rows = try await connection.query(
                        """
                        SELECT w.record_id, w.field, c.hlc, c.node, c.value FROM winners w JOIN changes c ON c.seq = w.seq
                        WHERE w.record_id = ANY(\(ids))
                        """, logger: logger)
                    for try await (id, field, hlc, node, value) in rows.decode((String, String, Int64, String, String).self) {
                        values[id, default: []].append(
                            .init(
                                field: field, stamp: Stamp(hlc: HLCTimestamp(rawValue: hlc), node: node), value: try JSONValue.parse(value))
                        )
                    }
                    for id in ids where items.count < limit {
                        if let item = RecordAssembly.liveItem(id, values[id] ?? []) { items.append(item) }
                    }
                }
                return items
            }
        }
    }
}

extension PostgresFeedStore {
    /// Opens a ``PostgresSnapshotStream`` on the feed as it is now, clock values in `form`.
    public func snapshotStream(hlc form: HLCForm = .integer, pageBytes: Int = SnapshotStream.defaultPageBytes) async throws
        -> PostgresSnapshotStream
    {
        let (client, logger, feedID, idle) = (self.client, self.logger, self.feedID, self.snapshotIdleSeconds)
        return try await PostgresFailure.translating(within: Self.readDeadline) {
            try await PostgresSnapshotStream.open(
                client: client, feedID: feedID, form: form, pageBytes: pageBytes, idleSeconds: idle, logger: logger)
        }
    }
}
