import GRDB
import OrderedCollections
import RelModel

/// What one merge of a batch of changes (a pulled page, a pushed batch) remembers while its
/// transaction runs: the values it checked, and the fields of records that had none before it.
///
/// A page mostly brings whole new records, fifteen changes each. Knowing that a record had no
/// field when the batch began spares a winner lookup per change (the winners it has are the
/// ones this batch gave it), and, once the batch is merged, reading back and parsing its values
/// to rebuild its row. Only the batch's own transaction writes while this lives, so nothing it
/// remembers can go stale.
struct PageMerge {
    /// The checked value of each change this batch logged, by its `seq`, when rows are rebuilt.
    private(set) var values: [Int64: JSONValue] = [:]
    /// Records whose rows must be rebuilt, in the order they were first changed.
    private(set) var dirty = OrderedSet<String>()
    /// Records with no field before this batch, and the values this batch gave their fields.
    private var fresh: [String: [String: FieldVersionRow]] = [:]
    /// Records whose store state was looked up (`fresh` holds those that had no field).
    private var probed: Set<String> = []
    private let materialize: Bool

    /// A merge that rebuilds record rows (`materialize`) or only keeps the field tables (a hub).
    init(materialize: Bool) {
        self.materialize = materialize
    }

    /// Notes that `change`, with its checked value, is in the log at `seq`.
    mutating func logged(_ change: Change, seq: Int64) {
        guard materialize else { return }
        values[seq] = change.value
        dirty.append(change.recordID)
    }

    /// The field's current value: from memory for a record that had no field before this batch,
    /// else from the store.
    mutating func winner(_ db: Database, _ recordID: String, _ field: String) throws -> FieldVersionRow? {
        if probed.insert(recordID).inserted, try !FieldState.hasAnyWinner(db, recordID) {
            fresh[recordID] = [:]
        }
        if let fields = fresh[recordID] { return fields[field] }
        return try FieldState.winner(db, recordID, field)
    }

    /// Notes that `version` became the field's value (already written to `winners`).
    mutating func setWinner(_ recordID: String, _ field: String, _ version: FieldVersionRow) {
        fresh[recordID]?[field] = version
    }

    /// Every field's winning value of a record that had none before this batch; `nil` for any
    /// other record, whose values must be read from the store.
    func freshWinners(of recordID: String) -> [RecordAssembly.WinningValue]? {
        guard let fields = fresh[recordID] else { return nil }
        var winners: [RecordAssembly.WinningValue] = []
        winners.reserveCapacity(fields.count)
        for (field, version) in fields {
            guard let value = values[version.seq] else { return nil }
            winners.append(.init(field: field, stamp: version.stamp, value: value))
        }
        return winners
    }
}
