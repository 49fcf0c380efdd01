import RelModel

/// The field tables as one batch's merge sees them: the change log, each field's value, the
/// versions known to be replaced and the conflicts, read and written inside the batch's
/// transaction. ``BatchMerge`` decides; a conformer only stores.
///
/// Two stores conform: SQLite (``SQLiteMergeTables``, a statement per call) and relhub's
/// PostgreSQL store, which reads what a batch needs in a few bulk queries before the merge and
/// writes what it changed in a few after. Calls are synchronous so that either can answer
/// from memory.
package protocol MergeTables {
    /// What the log holds under `node` and `nodeSeq`, if anything.
    mutating func logged(node: String, nodeSeq: Int64) throws -> LoggedNumber?
    /// Appends `change`, its value serialised once as `value`, unless the log has its node and
    /// number already; an appended change's bases are recorded as replaced, and any conflict
    /// a base names is closed.
    mutating func append(_ change: Change, value: String) throws -> AppendResult
    /// The field's current value, if it has one.
    mutating func winner(_ recordID: String, _ field: String) throws -> FieldVersionRow?
    /// Whether a logged change lists `stamp` among the versions it replaced.
    mutating func isSuperseded(_ recordID: String, _ field: String, _ stamp: Stamp) throws -> Bool
    /// Makes `version` the field's value.
    mutating func setWinner(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws
    /// Keeps `version`, which lost, as one of the field's conflicts (once).
    mutating func addConflict(_ recordID: String, _ field: String, _ version: FieldVersionRow) throws
}

/// One version of a field as the tables hold it: its stamp, its value as canonical JSON text,
/// and the change that wrote it, by its place in the log.
package struct FieldVersionRow: Sendable, Equatable {
    /// Who wrote it, and when.
    package var stamp: Stamp
    /// The value, canonical JSON text.
    package var value: String
    /// The place in the log of the change that wrote it.
    package var seq: Int64

    /// Creates a version.
    package init(stamp: Stamp, value: String, seq: Int64) {
        self.stamp = stamp
        self.value = value
        self.seq = seq
    }
}

/// What the log holds under a node and number: enough to tell the same change delivered again
/// from another change that reuses the number.
package struct LoggedNumber: Sendable, Equatable {
    /// The logged change's clock.
    package var hlc: HLCTimestamp
    /// Its record.
    package var recordID: String
    /// Its field.
    package var field: String

    /// Creates the entry.
    package init(hlc: HLCTimestamp, recordID: String, field: String) {
        self.hlc = hlc
        self.recordID = recordID
        self.field = field
    }

    /// Whether `change` is the logged one: same stamp and place (its node and number matched).
    package func isSame(as change: Change) -> Bool {
        hlc == change.hlc && recordID == change.recordID && field == change.field
    }
}

/// What ``MergeTables/append(_:value:)`` did.
package enum AppendResult: Sendable, Equatable {
    /// The change is in the log now, at this place.
    case appended(seq: Int64)
    /// The log had its node and number already; nothing was written.
    case present(LoggedNumber)
}
