import GRDB
import RelModel

/// The plain export, the same text as ``AppDatabase/exportDocuments()`` joined one document per
/// line, read a page at a time from one unchanging view of the store: serving it takes memory
/// for a page, not for the ledger.
///
/// Like ``SnapshotStream``, the view is a read transaction on a connection of its own, held until
/// the stream is released; writers go on meanwhile.
public final class ExportStream: Sendable {
    /// A chunk stops growing once its text reaches this many bytes (one record may take it over).
    public static let defaultPageBytes = 64 * 1024

    let view: DatabaseSnapshot
    let pageBytes: Int
    let path: String

    init(view: DatabaseSnapshot, pageBytes: Int, path: String) {
        self.view = view
        self.pageBytes = max(1, pageBytes)
        self.path = path
    }

    /// The live records after an id, in id order, read along the id index: `+deleted` keeps the
    /// planner from the `deleted` indexes, with which every chunk would sort the whole table.
    static let pageSQL = "SELECT id, doc FROM records WHERE +deleted = 0 AND id > ? ORDER BY id"

    /// Where a chunk starts: at the beginning, or after the record with this id.
    public enum Position: Sendable, Equatable {
        /// The first chunk, which opens the array.
        case start
        /// The chunk with the records after this id, in id order.
        case after(String)
    }

    /// The export's text from `position`: about ``defaultPageBytes`` of it, and where the next
    /// chunk starts, `nil` after the last one (which closes the array and ends the line).
    public func chunk(at position: Position) async throws -> (text: String, next: Position?) {
        let pageBytes = self.pageBytes
        return try await AppDatabase.translatingErrors(path: path) {
            try await view.read { db in
                var text = ""
                var after = ""
                switch position {
                case .start: break
                case .after(let id): after = id
                }
                let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.pageSQL), arguments: [after])
                var first = position == .start
                while let row = try rows.next() {
                    text += first ? "[\n" : ",\n"
                    first = false
                    text += row[1] as String
                    after = row[0]
                    // A view does not change: the row after this one, read again by the next
                    // chunk, tells whether more follow.
                    if text.utf8.count >= pageBytes, try rows.next() != nil { return (text, .after(after)) }
                }
                text += first ? "[]\n" : "\n]\n"
                return (text, nil)
            }
        }
    }
}

extension AppDatabase {
    /// Opens an ``ExportStream`` on the store as it is now.
    public func exportStream(pageBytes: Int = ExportStream.defaultPageBytes) async throws -> ExportStream {
        try await Self.translatingErrors(path: path) {
            ExportStream(view: try writer.makeSnapshot(), pageBytes: pageBytes, path: path)
        }
    }
}
