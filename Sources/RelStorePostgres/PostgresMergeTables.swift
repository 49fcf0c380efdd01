import RelModel
import RelStore

/// A push's view of the field tables in PostgreSQL, for ``BatchMerge``: what the batch needs
/// is read in a few bulk queries before the merge (``PostgresFeedStore``), the merge then runs
/// from memory, and what it changed is written in a few bulk statements after (``Writes``).
///
/// The end state is the SQLite store's for the same batch: changes are numbered from the head
/// in batch order; `superseded` only grows; a field's winner is the last one set; and for each
/// conflict key, the last of its deletes and inserts-if-absent decides.
struct PostgresMergeTables: MergeTables {
    /// A change's identity in the log.
    struct Number: Hashable {
        var node: String
        var nodeSeq: Int64
    }

    /// A field of a record.
    struct Field: Hashable {
        var recordID: String
        var field: String
    }

    /// A version of a field, the key of `superseded` and `conflicts`.
    struct Version: Hashable {
        var field: Field
        var stamp: Stamp
    }

    /// The last position handed out; the batch's changes take the ones after it.
    private(set) var head: Int64
    /// Every number of the batch the log held before it, and those it appended.
    var logged: [Number: LoggedNumber] = [:]
    /// Every field of the batch: its value before the batch (or none), then as the batch set it.
    var winners: [Field: FieldVersionRow] = [:]
    /// The stamps of the batch's changes that the log listed as replaced before it, and every
    /// base the batch appended.
    var superseded: Set<Version> = []

    /// What the merge wrote, in order.
    struct Writes {
        var changes: [LogRow] = []
        var superseded: [Version] = []
        /// Conflict keys deleted at some point of the batch: deleted first when written.
        var deletedConflicts: [Version] = []
        /// Each conflict key's state after the batch: kept (its version's `seq`, inserted if
        /// absent, after the deletes) or deleted (`nil`).
        var conflicts: [Version: Int64?] = [:]
        var conflictOrder: [Version] = []
        var winners: [Field: Int64] = [:]
    }

    private(set) var writes = Writes()

    init(head: Int64) {
        self.head = head
    }

    mutating func logged(node: String, nodeSeq: Int64) throws -> LoggedNumber? {
        logged[Number(node: node, nodeSeq: nodeSeq)]
    }

    mutating func append(_ change: Change, value: String) throws -> AppendResult {
        let number = Number(node: change.node, nodeSeq: change.nodeSeq)
        if let present = logged[number] { return .present(present) }
        let (next, overflow) = head.addingReportingOverflow(1)
        guard !overflow else { throw StoreError.internal(reason: "the feed's positions are used up") }
        head = next
        logged[number] = LoggedNumber(hlc: change.hlc, recordID: change.recordID, field: change.field)
        let bases = change.bases.isEmpty ? "[]" : JSONText.compact(.array(change.bases.map(\.json)))
        writes.changes.append(
            LogRow(
                seq: next, recordID: change.recordID, field: change.field, value: value, hlc: change.hlc.rawValue,
                node: change.node, nodeSeq: change.nodeSeq, bases: bases))
        let field = Field(recordID: change.recordID, field: change.field)
        for base in change.bases {
            let version = Version(field: field, stamp: base)
            if superseded.insert(version).inserted { writes.superseded.append(version) }
            setConflict(version, nil)
        }
        return .appended(seq: next)
    }

    mutating func winner(_ recordID: String, _ field: String) throws -> FieldVersionRow? {
        winners[Field(recordID: recordID, field: field)]
    }

    mutating func isSuperseded(_ recordID: String, _ field: String, _ stamp: Stamp) throws -> Bool {
        superseded.contains(Version(field: Field(recordID: recordID, field: field), stamp: stamp))
    }

    mutating func setWinner(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws {
        let key = Field(recordID: recordID, field: field)
        winners[key] = version
        writes.winners[key] = version.seq
    }

    mutating func addConflict(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws {
        let key = Version(field: Field(recordID: recordID, field: field), stamp: version.stamp)
        // Inserted only if absent: a pending insert stands; after a delete (or none) this one goes in.
        if case .some(.some) = writes.conflicts[key] { return }
        setConflict(key, version.seq)
    }

    private mutating func setConflict(_ key: Version, _ seq: Int64?) {
        if seq == nil, writes.conflicts[key] != .some(nil) { writes.deletedConflicts.append(key) }
        if writes.conflicts.updateValue(seq, forKey: key) == nil { writes.conflictOrder.append(key) }
    }
}
