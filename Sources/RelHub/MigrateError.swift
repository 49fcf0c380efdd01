/// Why `relhub migrate` did not move the feed.
enum MigrateError: Error, CustomStringConvertible {
    /// No SQLite hub store in the directory.
    case noStore(path: String)
    /// The store was moved to another database before.
    case movedElsewhere(path: String, location: String)
    /// The copy, read back, differs from the source.
    case differs(what: String)
    /// The copy is committed, but checking it or marking the source failed.
    case unfinished(location: String, cause: String)

    var description: String {
        switch self {
        case .noStore(let path):
            "--from \(path): no relhub store there (relhub.sqlite); give the state directory of the SQLite relhub to move"
        case .movedElsewhere(let path, let location):
            "the feed in \(path) was moved to \(location) already: it lives there now, and the store here is a backup "
                + "of it as it was at the move"
        case .differs(let what):
            "the copy differs from the SQLite store in \(what). Drop the copy before anything else (DROP SCHEMA relhub CASCADE): "
                + "no relhub may serve it. The SQLite store is not marked as moved and still holds the feed. Please report this"
        case .unfinished(let location, let cause):
            "the feed was copied to \(location), but the move did not finish: \(cause). Run relhub migrate again to finish "
                + "it; do not start the SQLite relhub meanwhile"
        }
    }
}
