/// What went wrong in the store, in words that say what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state directory cannot be used.
    case stateDirectory(path: String, reason: String)
    /// Another process holds the state directory's lock.
    case locked(path: String, pid: Int32?)
    /// The database file is not a usable reld database.
    case damaged(path: String, reason: String)
    /// No record has this id (or it was deleted).
    case notFound(id: String)
    /// A record with this id exists already.
    case alreadyExists(id: String)
    /// The disk (or the file system's quota) is full.
    case diskFull(path: String)
    /// The database was written by a newer reld.
    case newerSchema(path: String)

    /// The message people see.
    public var description: String {
        switch self {
        case .stateDirectory(let path, let reason):
            "state directory \(path): \(reason)"
        case .locked(let path, let pid):
            "state directory \(path) is in use by another reld\(pid.map { " (pid \($0))" } ?? ""); stop it first, or give this one its own --state-dir"
        case .damaged(let path, let reason):
            "database \(path) is damaged (\(reason)); reld will not touch it: restore it from a backup or move it aside and re-import an export"
        case .notFound(let id):
            "no record with id \(id)"
        case .alreadyExists(let id):
            "a record with id \(id) exists already; use edit to change it"
        case .diskFull(let path):
            "disk full: cannot write to \(path); free some space and try again (nothing was written)"
        case .newerSchema(let path):
            "database \(path) was written by a newer version of reld; upgrade reld"
        }
    }
}
