import RelModel

/// Merges a batch of changes from elsewhere into the field tables: what a pulled page, a push
/// to relhub and relhub's PostgreSQL store all do, decided here once.
///
/// Each change is logged unless the log has it; a logged change's version then takes its
/// field by ``MergeRules`` (the greatest stamp not replaced), and a concurrent version that
/// loses is kept as a conflict. Linear in the batch: a bounded number of table calls per change.
package enum BatchMerge {
    /// Merges `changes` (checked already, see ``CheckedChanges``) into `tables`; `ownNode` is
    /// the store's own node id, under which only it writes. `appended` is told of each change
    /// logged, with its place, before its field is merged.
    ///
    /// Throws ``StoreError/reusedSequence(node:nodeSeq:)`` for a change whose node and number
    /// the log holds with other content: a node's store was restored from a backup (or copied)
    /// and numbers changes again.
    package static func apply<Tables: MergeTables>(
        _ changes: [Change], ownNode: String, to tables: inout Tables,
        appended: (Change, Int64) -> Void = { _, _ in }
    ) throws -> ApplySummary {
        var summary = ApplySummary()
        for change in changes {
            if change.node == ownNode {
                // Our own change coming back is a duplicate; anything else under our id is not ours.
                let logged = try tables.logged(node: change.node, nodeSeq: change.nodeSeq)
                if logged?.isSame(as: change) == true { summary.duplicates += 1 } else { summary.claimingOwnID += 1 }
                continue
            }
            let value = JSONText.compact(change.value)
            switch try tables.append(change, value: value) {
            case .present(let logged):
                guard logged.isSame(as: change) else { throw StoreError.reusedSequence(node: change.node, nodeSeq: change.nodeSeq) }
                summary.duplicates += 1
            case .appended(let seq):
                summary.applied += 1
                appended(change, seq)
                let version = FieldVersionRow(stamp: change.stamp, value: value, seq: seq)
                if try merge(change, version, into: &tables) { summary.conflicts += 1 }
            }
        }
        return summary
    }

    /// Folds one logged change (`version`) into its field; returns whether it opened a conflict.
    static func merge<Tables: MergeTables>(_ change: Change, _ version: FieldVersionRow, into tables: inout Tables) throws -> Bool {
        let winner = try tables.winner(change.recordID, change.field)
        // A field with no value has no logged change that replaced this one: each logged change
        // of a field became its value or a conflict, or was replaced by a later one that did
        // (bases are older than their change), so the lookup is needed only once there is a value.
        let superseded = try winner != nil && tables.isSuperseded(change.recordID, change.field, change.stamp)
        switch MergeRules.merge(change.stamp, bases: change.bases, alreadySuperseded: superseded, winner: winner?.stamp) {
        case .wins(let demoted):
            try tables.setWinner(change.recordID, change.field, version)
            if demoted != nil, let winner {
                try tables.addConflict(change.recordID, change.field, winner)
                return winner.value != version.value
            }
            return false
        case .loses:
            try tables.addConflict(change.recordID, change.field, version)
            return winner?.value != version.value
        case .superseded:
            return false
        }
    }
}
