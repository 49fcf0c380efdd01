/// Why a feed was not copied into PostgreSQL (``PostgresFeedImport``). Nothing was written.
package enum PostgresImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database holds another feed, perhaps empty: a relhub made it, and may serve it.
    case notEmpty(feedID: String, head: Int64)
    /// relhubs are connected to the database, and would serve the copy as it is made.
    case relhubsConnected(count: Int64)
    /// A table's copy differs from its source.
    case mismatch(table: String, expected: [Int64], got: [Int64])
    /// The database holds this feed, but behind the source: it was restored from an older backup,
    /// or the source took changes after an earlier move.
    case behind(head: Int64, source: Int64)
    /// The source is marked as moved to this database, which does not hold the feed (anymore).
    case movedFeedMissing(feedID: String?)

    /// What is wrong and what to do.
    package var description: String {
        switch self {
        case .notEmpty(let feedID, let head):
            "the database holds another feed (id \(feedID), \(head) changes), made by a relhub started on it; "
                + "copy into an empty database, or, if no replica uses that feed, drop it first (DROP SCHEMA relhub CASCADE)"
        case .relhubsConnected(let count):
            "relhub is using the database (\(count) connection\(count == 1 ? "" : "s")); stop every relhub that serves it, then migrate"
        case .mismatch(let table, let expected, let got):
            "the copy of table \(table) differs from the SQLite store (count and sums \(expected) there, \(got) here); "
                + "nothing was committed; please report this"
        case .behind(let head, let source):
            "the database holds this feed at position \(head), behind the SQLite store's \(source): it was restored from an "
                + "older backup, or the SQLite relhub took changes after an earlier move. If no relhub has served the "
                + "database since, drop its copy (DROP SCHEMA relhub CASCADE) and migrate again"
        case .movedFeedMissing(let feedID):
            "the SQLite store was moved to this database, which no longer holds its feed (\(feedID.map { "it holds feed \($0)" } ?? "it is empty")); "
                + "the store here is a backup from the time of the move, behind what replicas have seen: do not copy it back. "
                + "Restore the database, or start a new feed and let the replicas push what they hold into it (docs/scale-out.md)"
        }
    }
}
