import RelModel

/// Changes from elsewhere that passed every check a merge asks of them: each value is valid for
/// its field (and now in canonical form), each clock within the bound. Made only by its
/// initialiser (``AppDatabase/check(_:bound:)`` for the SQLite store), so holding one means the
/// checks ran; they can run apart from the write, as a pull checks the page it fetched ahead
/// while the one before it is written.
public struct CheckedChanges: Sendable {
    /// The changes, in the order given, their values in canonical form.
    public let changes: [Change]

    /// Checks `changes` in order against the clock `bound` at `nowMillis`; the first that fails
    /// throws, naming its place in the batch.
    package init(_ changes: [Change], bound: ClockBound, nowMillis: Int64) throws(StoreError) {
        var checked = changes
        for i in checked.indices {
            do {
                checked[i].value = try RecordValidator.checkMergedField(checked[i].field, checked[i].value)
            } catch {
                throw .badChange(index: i, node: checked[i].node, nodeSeq: checked[i].nodeSeq, reason: error.description)
            }
            do throws(ClockAheadError) { try bound.check(checked[i], nowMillis: nowMillis) } catch {
                throw .clockAhead(error)
            }
        }
        self.changes = checked
    }
}

extension AppDatabase {
    /// Checks changes from elsewhere for a merge (shape, schema, clock `bound` against this
    /// store's clock) without writing anything; a batch with one bad change is refused whole
    /// (``StoreError/badChange(index:node:nodeSeq:reason:)``, ``StoreError/clockAhead(_:)``).
    public func check(_ changes: [Change], bound: ClockBound = .default) throws(StoreError) -> CheckedChanges {
        try CheckedChanges(changes, bound: bound, nowMillis: wallClock.nowMillis())
    }
}
