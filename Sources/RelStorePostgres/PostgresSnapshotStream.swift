import Logging
import PostgresNIO
import RelModel
import RelStore

/// The snapshot document read a chunk at a time from one unchanging view of a PostgreSQL feed,
/// the same text as the SQLite store's ``SnapshotStream``.
///
/// The view is a `REPEATABLE READ` read-only transaction on a connection held for the stream's
/// life by a task of its own, which answers one chunk request at a time. Releasing the stream
/// ends the task: the transaction ends and the connection goes back to the pool. relhub bounds
/// how long a reader may hold one (its snapshot gate and stall timeout), and PostgreSQL's
/// `idle_in_transaction_session_timeout` is the backstop.
public final class PostgresSnapshotStream: Sendable {
    /// A chunk asked for, and where its answer goes.
    private typealias Request = (
        position: SnapshotStream.Position, answer: CheckedContinuation<(String, SnapshotStream.Position?), any Error>
    )

    /// The feed's head in this view: what the document holds, exactly.
    public let head: Int64
    private let requests: AsyncStream<Request>.Continuation
    private let worker: Task<Void, Never>

    /// Rows a chunk reads at once; it stops once its text reaches `pageBytes`.
    static let batchRows: Int64 = 512

    private init(head: Int64, requests: AsyncStream<Request>.Continuation, worker: Task<Void, Never>) {
        self.head = head
        self.requests = requests
        self.worker = worker
    }

    deinit {
        requests.finish()
    }

    /// Opens a stream on `client`, clock values written in `form`.
    static func open(
        client: PostgresClient, feedID: String, form: HLCForm, pageBytes: Int, idleSeconds: Int, logger: Logger
    ) async throws -> PostgresSnapshotStream {
        let (stream, requests) = AsyncStream<Request>.makeStream()
        let opened = AsyncThrowingStream<Int64, any Error>.makeStream()
        let worker = Task {
            do {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                    // The view waits while its reader takes a chunk: as long as relhub lets a reader stall.
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "SET LOCAL idle_in_transaction_session_timeout = '\(max(1, idleSeconds))s'"),
                        logger: logger)
                    let head = try await PostgresFeedStore.head(
                        connection.query("SELECT head FROM feed_state WHERE id = 1", logger: logger))
                    opened.continuation.yield(head)
                    opened.continuation.finish()
                    for await request in stream {
                        do {
                            let chunk = try await Self.chunk(
                                at: request.position, feedID: feedID, form: form, pageBytes: max(1, pageBytes), connection, logger)
                            request.answer.resume(returning: chunk)
                        } catch {
                            request.answer.resume(throwing: PostgresFailure.storeError(error))
                            throw error
                        }
                    }
                }
            } catch {
                opened.continuation.finish(throwing: PostgresFailure.storeError(error))
            }
            // Whoever still waits is told the view is gone.
            for await request in stream { request.answer.resume(throwing: StoreError.unavailable(reason: "the snapshot's view ended")) }
        }
        do {
            for try await head in opened.stream { return PostgresSnapshotStream(head: head, requests: requests, worker: worker) }
            throw StoreError.internal(reason: "the snapshot's view did not open")
        } catch {
            requests.finish()
            worker.cancel()
            throw error
        }
    }

    /// The document's text from `position`, and where the next chunk starts (`nil` after the last).
    public func chunk(at position: SnapshotStream.Position) async throws -> (text: String, next: SnapshotStream.Position?) {
        let (text, next) = try await withCheckedThrowingContinuation {
            (answer: CheckedContinuation<(String, SnapshotStream.Position?), any Error>) in
            if case .terminated = requests.yield((position, answer)) {
                answer.resume(throwing: StoreError.unavailable(reason: "the snapshot's view ended"))
            }
        }
        return (text, next)
    }

    /// One chunk: every head of every field (its value, with the versions it replaced as extra
    /// bases, or an open conflict) after `position`, in log order, until the text reaches
    /// `pageBytes` and a further head exists.
    private static func chunk(
        at position: SnapshotStream.Position, feedID: String, form: HLCForm, pageBytes: Int,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (String, SnapshotStream.Position?) {
        var text = ""
        var after: Int64 = 0
        var comma = true
        var heads = 0
        if case .after(let seq) = position {
            after = seq
        } else {
            text = FeedText.snapshotOpening(feedID: feedID)
            comma = false
        }
        while true {
            let rows = try await connection.query(
                """
                SELECT c.seq, c.record_id, c.field, c.value, c.hlc, c.node, c.node_seq, c.bases,
                       w.seq IS NOT NULL, k.seq IS NOT NULL, x.hlcs, x.nodes
                FROM changes c
                LEFT JOIN winners w ON w.record_id = c.record_id AND w.field = c.field AND w.seq = c.seq
                LEFT JOIN conflicts k ON k.record_id = c.record_id AND k.field = c.field AND k.hlc = c.hlc
                                      AND k.node = c.node AND k.seq = c.seq
                LEFT JOIN LATERAL (
                    SELECT array_agg(s.hlc ORDER BY s.hlc DESC, s.node DESC) AS hlcs,
                           array_agg(s.node ORDER BY s.hlc DESC, s.node DESC) AS nodes
                    FROM (SELECT hlc, node FROM superseded sp
                          WHERE sp.record_id = c.record_id AND sp.field = c.field AND (sp.hlc, sp.node) < (c.hlc, c.node)
                          ORDER BY sp.hlc DESC, sp.node DESC LIMIT \(Int64(Change.maxBases))) s
                ) x ON w.seq IS NOT NULL
                WHERE c.seq > \(after) AND (w.seq IS NOT NULL OR k.seq IS NOT NULL)
                ORDER BY c.seq LIMIT \(batchRows)
                """, logger: logger)
            var read: Int64 = 0
            for try await (seq, recordID, field, value, hlc, node, nodeSeq, bases, isValue, isOpen, hlcs, nodes)
                in rows.decode((Int64, String, String, String, Int64, String, Int64, String, Bool, Bool, [Int64]?, [String]?).self)
            {
                read += 1
                // The text is full and a further head exists: it starts the next chunk.
                if heads > 0, text.utf8.count >= pageBytes { return (text, .after(after)) }
                heads += 1
                after = seq
                let row = LogRow(
                    seq: seq, recordID: recordID, field: field, value: value, hlc: hlc, node: node, nodeSeq: nodeSeq, bases: bases)
                let change = try row.change()
                if isValue {
                    let older = zip(hlcs ?? [], nodes ?? []).map { Stamp(hlc: HLCTimestamp(rawValue: $0), node: $1) }
                    append(FeedText.withReplacedVersions(change, olderNewestFirst: older), form, comma: comma, into: &text)
                    comma = true
                }
                if isOpen {
                    append(change, form, comma: comma, into: &text)
                    comma = true
                }
            }
            if read < batchRows { break }
        }
        text += FeedText.snapshotClosing
        return (text, nil)
    }

    private static func append(_ change: Change, _ form: HLCForm, comma: Bool, into text: inout String) {
        if comma { text += "," }
        text += JSONText.compact(change.json(form))
    }
}
