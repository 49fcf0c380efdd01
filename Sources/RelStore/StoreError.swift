import RelModel

/// What went wrong in the store, said in storage terms: what happened and what was (not) written.
/// What a person can do about it depends on the program they talk to (relctl and reld, or
/// relhub), so the advice is added where each server answers, not here.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state directory cannot be used.
    case stateDirectory(path: String, reason: String)
    /// Another process holds the state directory's lock.
    case locked(path: String, pid: Int32?)
    /// The database file is not a usable reld database: SQLite found it corrupt or not a
    /// database at all. Only this case may tell a person to restore a backup.
    case damaged(path: String, reason: String)
    /// The database cannot be opened or written for a reason outside it (permissions, a
    /// read-only file system, a failing disk); the file itself is not known to be damaged.
    case unusable(path: String, reason: String, cause: UnusableCause)
    /// A request goes beyond what SQLite takes in one statement (too many values, too deep an
    /// expression, too long a text): the request's fault, not the database's.
    case requestTooLarge(reason: String)
    /// An unexpected failure inside the store: a fault of reld, not of the request or the data.
    case `internal`(reason: String)
    /// No record has this id, live or deleted.
    case notFound(id: String)
    /// The record with this id is deleted (a tombstone); restoring it brings it back.
    case deleted(id: String)
    /// A record with this id exists already.
    case alreadyExists(id: String)
    /// An edit removes an item that the record's list does not hold; nothing was changed.
    case notInList(id: String, field: String, item: String)
    /// The disk (or the file system's quota) is full.
    case diskFull(path: String)
    /// The database was written by a newer reld.
    case newerSchema(path: String)
    /// A change from a feed is malformed or breaks the schema; nothing of its batch was applied.
    case badChange(index: Int, node: String, nodeSeq: Int64, reason: String)
    /// A change from a feed is stamped too far in the future; nothing of its batch was applied.
    case clockAhead(ClockAheadError)
    /// A node sent a change under a number it had used for another change.
    case reusedSequence(node: String, nodeSeq: Int64)
    /// A push carries new changes under a node id that another token wrote first (relhub).
    case nodeNotYours(node: String, nodeSeq: Int64)
    /// A push skips numbers of a node's sequence: the hub's next for that node is `expected`.
    case sequenceGap(node: String, nodeSeq: Int64, expected: Int64)
    /// This node's change numbers are used up (its log holds the largest one): no more writes.
    case sequenceExhausted(node: String)
    /// A record's field has no open conflict to resolve.
    case noConflict(id: String, field: String)
    /// A choice of "this node's version" or "the other node's version" does not name exactly one.
    case ambiguousChoice(id: String, field: String, reason: String)
    /// A full-text search query that cannot be read (an unclosed quote, a lone `AND`, ...).
    case badSearch(query: String, reason: String)
    /// The database server cannot be reached or cannot take the request now (relhub on
    /// PostgreSQL: down, restarting, out of connections). A write cut off at its commit may
    /// have been written all the same; doing it again is safe.
    case unavailable(reason: String)

    /// What happened, in storage terms; each server adds its own advice to it.
    public var description: String {
        switch self {
        case .stateDirectory(let path, let reason):
            "state directory \(path): \(reason)"
        case .locked(let path, let pid):
            "state directory \(path) is in use by another process\(pid.map { " (pid \($0))" } ?? "")"
        case .damaged(let path, let reason):
            "database \(path) is damaged (\(reason))"
        case .unusable(let path, let reason, _):
            "cannot use database \(path): \(reason)"
        case .requestTooLarge(let reason):
            "the request is too large for the store (\(reason))"
        case .internal(let reason):
            "internal error in the store (\(reason)); nothing was changed by this request, and the database is not known to be damaged"
        case .notFound(let id):
            "no record with id \(id)"
        case .deleted(let id):
            "record \(id) is deleted"
        case .alreadyExists(let id):
            "a record with id \(id) exists already"
        case .notInList(let id, let field, let item):
            "record \(id): \(field) has no item \(item); nothing was changed"
        case .diskFull(let path):
            "disk full: cannot write to \(path); nothing was written"
        case .newerSchema(let path):
            "database \(path) was written by a newer version, whose schema this version does not know"
        case .badChange(let index, let node, let nodeSeq, let reason):
            "change \(index + 1) of the batch (node \(node), node_seq \(nodeSeq)) was refused: \(reason); nothing of the batch was applied"
        case .clockAhead(let error):
            "\(error); nothing of the batch was applied"
        case .reusedSequence(let node, let nodeSeq):
            "node \(node) sent change \(nodeSeq) again with other content: its store was restored from a backup or copied from another machine; nothing of the batch was applied"
        case .nodeNotYours(let node, let nodeSeq):
            "change \(nodeSeq) of node \(node) was refused: that node id belongs to another of this hub's tokens (the one that pushed its changes first); nothing of the batch was applied"
        case .sequenceGap(let node, let nodeSeq, let expected):
            "change \(nodeSeq) of node \(node) was refused: that node's next number here is \(expected), and a node's numbers may not skip; nothing of the batch was applied"
        case .sequenceExhausted(let node):
            "node \(node) has used up its change numbers (its log holds change \(Change.maxNodeSeq) or a larger one, which no reld writes: a faulty store or a hostile feed); nothing was written"
        case .noConflict(let id, let field):
            "record \(id) has no open conflict on field \(field)"
        case .ambiguousChoice(let id, let field, let reason):
            "record \(id), field \(field): \(reason)"
        case .badSearch(let query, let reason):
            "search \(JSONText.quoted(query.count > 120 ? String(query.prefix(117)) + "..." : query)): \(reason)"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        }
    }

    /// Why a database is ``unusable(path:reason:cause:)``: each cause has its own remedy.
    public enum UnusableCause: Sendable, Equatable {
        /// The file or its directory cannot be opened (missing, or no permission).
        case cannotOpen
        /// The file or its file system is read-only.
        case readOnly
        /// The disk or file system failed to read or write.
        case ioError
        /// Another process holds SQLite's lock on the file.
        case locked
    }
}
