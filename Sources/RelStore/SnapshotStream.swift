import GRDB
import RelModel

/// The snapshot document, the same text as `JSONText.compact(snapshot().json(form))`, read a
/// page at a time from one unchanging view of the store: serving it takes memory for a page,
/// not for the ledger.
///
/// The view is a read transaction on a connection of its own (not one of the pool's readers),
/// held until the stream is released. Writers go on meanwhile (WAL), but the write-ahead log
/// cannot be checkpointed past the view, so whoever holds a stream should bound how long.
public final class SnapshotStream: Sendable {
    /// Where a chunk starts: at the document's beginning, or after a position of the change log.
    public enum Position: Sendable, Equatable {
        /// The first chunk, which opens the document.
        case start
        /// The chunk with the heads logged after this position.
        case after(Int64)
    }

    /// A chunk stops growing once its text reaches this many bytes (one change may take it over).
    public static let defaultPageBytes = 64 * 1024

    /// The feed's head in this view: what the document holds, exactly.
    public let head: Int64
    let view: DatabaseSnapshot
    let feedID: String
    let form: HLCForm
    let pageBytes: Int
    let path: String

    init(view: DatabaseSnapshot, head: Int64, feedID: String, form: HLCForm, pageBytes: Int, path: String) {
        self.view = view
        self.head = head
        self.feedID = feedID
        self.form = form
        self.pageBytes = max(1, pageBytes)
        self.path = path
    }

    /// The document's text from `position`: about ``defaultPageBytes`` of it, and where the next
    /// chunk starts, `nil` after the last one (which closes the document).
    public func chunk(at position: Position) async throws -> (text: String, next: Position?) {
        let (feedID, form, pageBytes) = (self.feedID, self.form, self.pageBytes)
        return try await AppDatabase.translatingErrors(path: path) {
            try await view.read { db in
                var text = ""
                var after: Int64 = 0
                // The first change of the document follows `[` directly; every later one a comma.
                var comma = true
                if case .after(let seq) = position {
                    after = seq
                } else {
                    text = FeedText.snapshotOpening(feedID: feedID)
                    comma = false
                }
                let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.headsSQL), arguments: [after])
                while let row = try rows.next() {
                    after = row[7]
                    if row[8] as Bool {
                        Self.append(try Self.valueChange(db, row), form, comma: comma, into: &text)
                        comma = true
                    }
                    if row[9] as Bool {
                        Self.append(try FieldState.change(row), form, comma: comma, into: &text)
                        comma = true
                    }
                    // A view does not change: the row after this one, read again by the next
                    // chunk, tells whether more follow.
                    if text.utf8.count >= pageBytes, try rows.next() != nil { return (text, .after(after)) }
                }
                text += FeedText.snapshotClosing
                return (text, nil)
            }
        }
    }

    private static func append(_ change: Change, _ form: HLCForm, comma: Bool, into text: inout String) {
        if comma { text += "," }
        text += JSONText.compact(change.json(form))
    }

    /// Every head of every field in log order: the changes that wrote a field's value
    /// (`winner`) or one of its open conflicts (`open`). Walks the log by its key, so a chunk
    /// costs the rows it passes, with no sort of the whole result.
    static let headsSQL = """
        SELECT * FROM (
            SELECT c.record_id, c.field, c.value, c.hlc, c.node, c.node_seq, c.bases, c.seq,
                   EXISTS (SELECT 1 FROM winners w WHERE w.record_id = c.record_id AND w.field = c.field
                           AND w.seq = c.seq) AS winner,
                   EXISTS (SELECT 1 FROM conflicts k WHERE k.record_id = c.record_id AND k.field = c.field
                           AND k.hlc = c.hlc AND k.node = c.node AND k.seq = c.seq) AS open
            FROM changes c WHERE c.seq > ?)
        WHERE winner OR open ORDER BY seq
        """

    /// A field's value with, as extra bases, the newest versions of the field known to be
    /// replaced (as ``AppDatabase/snapshot()`` adds them): read from `superseded` by its key,
    /// newest first, never more than the bases left room for.
    private static func valueChange(_ db: Database, _ row: Row) throws -> Change {
        let change = try FieldState.change(row)
        let room = Change.maxBases - change.bases.count
        guard room > 0 else { return change }
        let older = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT hlc, node FROM superseded WHERE record_id = ? AND field = ? AND (hlc < ? OR (hlc = ? AND node < ?))
                    ORDER BY hlc DESC, node DESC LIMIT ?
                    """),
            arguments: [
                change.recordID, change.field, change.hlc.rawValue, change.hlc.rawValue, change.node,
                room + change.bases.count,
            ])
        return FeedText.withReplacedVersions(change, olderNewestFirst: older.map { Stamp(hlc: HLCTimestamp(rawValue: $0[0]), node: $0[1]) })
    }
}

extension AppDatabase {
    /// Opens a ``SnapshotStream`` on the store as it is now, clock values written in `form`.
    public func snapshotStream(hlc form: HLCForm = .integer, pageBytes: Int = SnapshotStream.defaultPageBytes) async throws
        -> SnapshotStream
    {
        try await Self.translatingErrors(path: path) {
            let view = try writer.makeSnapshot()
            let head = try await view.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes") ?? 0 }
            return SnapshotStream(view: view, head: head, feedID: nodeID, form: form, pageBytes: pageBytes, path: path)
        }
    }
}
