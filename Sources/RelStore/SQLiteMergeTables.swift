import GRDB
import RelModel

/// The SQLite store's field tables, for ``BatchMerge``: a cached statement per call, inside the
/// batch's write transaction, with ``PageMerge`` answering what the batch itself wrote.
struct SQLiteMergeTables: MergeTables {
    let db: Database
    /// What the batch remembers: the values it checked, and the fields of records new in it.
    var page: PageMerge

    mutating func logged(node: String, nodeSeq: Int64) throws -> LoggedNumber? {
        try FieldState.logged(db, node: node, nodeSeq: nodeSeq)
    }

    mutating func append(_ change: Change, value: String) throws -> AppendResult {
        let result = try FieldState.append(db, change, value: value)
        if case .appended(let seq) = result { page.logged(change, seq: seq) }
        return result
    }

    mutating func winner(_ recordID: String, _ field: String) throws -> FieldVersionRow? {
        try page.winner(db, recordID, field)
    }

    mutating func isSuperseded(_ recordID: String, _ field: String, _ stamp: Stamp) throws -> Bool {
        try FieldState.isSuperseded(db, recordID, field, stamp)
    }

    mutating func setWinner(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws {
        try FieldState.setWinner(db, recordID, field, seq: version.seq)
        page.setWinner(recordID, field, version)
    }

    mutating func addConflict(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws {
        try FieldState.addConflict(db, recordID, field, version)
    }
}
