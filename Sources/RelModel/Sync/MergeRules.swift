/// How a replica folds a change into a field: per-field last-writer-wins by ``Stamp``, keeping
/// every concurrent loser as a conflict.
///
/// A change names the versions it replaced (its *bases*: the value its writer saw). The versions of
/// a field that no known change replaced are its *heads*. The greatest head by stamp is the field's
/// value; the other heads are its conflicts. Both are functions of the set of changes known, so
/// every replica that has seen the same changes, in any order, batching or repetition, holds the
/// same value and the same conflicts.
///
/// A writer always ticks its clock past the versions it saw, so a change's stamp is greater than
/// those of its bases, and the greatest head is also the greatest version overall.
public enum MergeRules {
    /// What happens to a field when a new change arrives.
    public enum Outcome: Sendable, Equatable {
        /// The change is the field's new value. `demoted` is the previous value, now a conflicting
        /// head because the change did not replace it knowingly; `nil` if there was none or it did.
        case wins(demoted: Stamp?)
        /// The change is older than the field's value and was made without seeing it: it is kept
        /// as a conflict.
        case loses
        /// A known change already replaced this one (it arrived late); it is only logged.
        case superseded
    }

    /// Decides the outcome for a change with stamp `stamp` and bases `bases`, given the field's
    /// current value stamp `winner` and whether some known change already lists `stamp` as a base.
    public static func merge(_ stamp: Stamp, bases: [Stamp], alreadySuperseded: Bool, winner: Stamp?) -> Outcome {
        if alreadySuperseded { return .superseded }
        guard let winner else { return .wins(demoted: nil) }
        if stamp == winner { return .superseded }
        if stamp > winner { return .wins(demoted: bases.contains(winner) ? nil : winner) }
        return .loses
    }

    /// Whether a record is deleted, given its `_deleted` value and stamp and the greatest stamp of
    /// its other fields.
    ///
    /// The later of the two wins: a delete hides the record as it stood when deleted, and an edit
    /// stamped after the delete (made on a node that had not yet seen it, since a deleted record
    /// cannot be edited) brings the record back with every field. Decided from stamps only, so it
    /// does not depend on the order changes arrive in.
    public static func isDeleted(deleted: Bool, deletedStamp: Stamp?, newestFieldStamp: Stamp?) -> Bool {
        guard deleted, let deletedStamp else { return false }
        guard let newestFieldStamp else { return true }
        return newestFieldStamp < deletedStamp
    }
}
