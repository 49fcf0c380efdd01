import Foundation
import GRDB
import OrderedCollections
import RelModel

/// What applying a batch of changes from elsewhere did.
public struct ApplySummary: Sendable, Equatable {
    /// Changes that were new here.
    public var applied = 0
    /// Changes this store had already (a replayed page or batch, or our own changes coming back).
    public var duplicates = 0
    /// Conflicts opened: concurrent versions of a field with different values.
    public var conflicts = 0
    /// Changes skipped because they claim this store's own node id but are not in its log (or
    /// differ from what it logged): only this store writes under its id, so they are a hostile
    /// or broken feed's, or this store was restored from a backup. They are never taken as its
    /// own history, nor allowed to raise its next change number.
    public var claimingOwnID = 0

    /// An empty summary.
    public init() {}
}

extension AppDatabase {
    /// Merges changes made elsewhere, in one transaction: each field takes the greatest version
    /// by stamp, concurrent losers become conflicts, and changes already here are skipped.
    ///
    /// Every change is checked first (shape, schema, clock bound); if one fails nothing is written.
    /// `within` runs inside the same transaction, e.g. to save the pull cursor with the changes;
    /// `before` runs in it first, to refuse the batch (relhub's ownership and sequence checks).
    /// `materialize: false` skips rebuilding record rows, for a hub, which serves changes and
    /// snapshots (built from the field tables) and never reads records.
    public func applyRemote(
        _ changes: [Change], bound: ClockBound = .default, materialize: Bool = true,
        before: (@Sendable (Database) throws -> Void)? = nil,
        within: (@Sendable (Database) throws -> Void)? = nil
    ) async throws -> ApplySummary {
        let now = wallClock.nowMillis()
        var checked = changes
        for i in checked.indices {
            do {
                checked[i].value = try RecordValidator.checkMergedField(checked[i].field, checked[i].value)
            } catch {
                throw StoreError.badChange(index: i, node: checked[i].node, nodeSeq: checked[i].nodeSeq, reason: error.description)
            }
            do throws(ClockAheadError) { try bound.check(checked[i], nowMillis: now) } catch {
                throw StoreError.clockAhead(error)
            }
        }
        let input = checked
        let summary = try await write { db in
            var summary = ApplySummary()
            var dirty = OrderedSet<String>()
            try before?(db)
            for change in input {
                let value = JSONText.compact(change.value)
                if change.node == self.nodeID {
                    // Our own change coming back is a duplicate; anything else under our id is not ours.
                    if try FieldState.isLogged(db, change) { summary.duplicates += 1 } else { summary.claimingOwnID += 1 }
                    continue
                }
                guard let seq = try FieldState.log(db, change, value: value) else {
                    summary.duplicates += 1
                    continue
                }
                summary.applied += 1
                if materialize { dirty.append(change.recordID) }
                if try self.merge(db, change, .init(stamp: change.stamp, value: value, seq: seq)) { summary.conflicts += 1 }
            }
            for id in dirty { try self.rebuild(db, id: id) }
            try within?(db)
            return summary
        }
        if let newest = input.lazy.filter({ $0.node != self.nodeID }).map(\.hlc).max() {
            clock.mutex.withLock { $0.observe(newest) }
        }
        return summary
    }

    /// Folds one logged change (`version`) into its field; returns whether it opened a conflict.
    private func merge(_ db: Database, _ change: Change, _ version: FieldState.Version) throws -> Bool {
        let winner = try FieldState.winner(db, change.recordID, change.field)
        let outcome = MergeRules.merge(
            change.stamp, bases: change.bases,
            alreadySuperseded: try FieldState.isSuperseded(db, change.recordID, change.field, change.stamp),
            winner: winner?.stamp)
        switch outcome {
        case .wins(let demoted):
            try FieldState.setWinner(db, change.recordID, change.field, seq: version.seq)
            if demoted != nil, let winner {
                try FieldState.addConflict(db, change.recordID, change.field, winner)
                return winner.value != version.value
            }
            return false
        case .loses:
            try FieldState.addConflict(db, change.recordID, change.field, version)
            return winner?.value != version.value
        case .superseded:
            return false
        }
    }

    /// Rewrites a record's row from its fields' values.
    func rebuild(_ db: Database, id: String) throws {
        guard let merged = try Self.merged(db, id: id) else { return }
        try save(db, merged.record, deleted: merged.deleted, createdHLC: merged.created, updatedHLC: merged.updated)
    }

    /// The record `id` as its fields' winning values make it, whether it is deleted, and the
    /// clocks of its first and last change; `nil` while it is not complete. Shared by
    /// ``rebuild(_:id:)`` and the JSON Feed read from the fields, so the two never disagree.
    static func merged(_ db: Database, id: String) throws
        -> (record: Record, deleted: Bool, created: HLCTimestamp, updated: HLCTimestamp)?
    {
        var fields = OrderedDictionary<String, JSONValue>()
        var kind: RecordKind?
        var deleted = false
        var deletedStamp: Stamp?
        var newest: Stamp?
        var created = HLCTimestamp.zero
        var updated = HLCTimestamp.zero
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT w.field, c.hlc, c.node, c.value FROM winners w JOIN changes c ON c.seq = w.seq WHERE w.record_id = ?"),
            arguments: [id])
        for row in rows {
            let field: String = row[0]
            let stamp = Stamp(hlc: HLCTimestamp(rawValue: row[1]), node: row[2])
            let value = try JSONValue.parse(row[3] as String)
            updated = max(updated, stamp.hlc)
            switch field {
            case Change.kindField:
                kind = value.stringValue.flatMap(RecordKind.init(rawValue:))
                created = stamp.hlc
            case Change.deletedField:
                deleted = value == .bool(true)
                deletedStamp = stamp
            default:
                fields[field] = value
                newest = max(newest ?? stamp, stamp)
            }
        }
        // A record's first changes can arrive in separate pages: until its kind and every
        // required field are here (each value was checked as it came), it has no row.
        guard let kind, let record = try? RecordValidator.merged(id: id, kind: kind, fields: fields) else { return nil }
        let isDeleted = MergeRules.isDeleted(deleted: deleted, deletedStamp: deletedStamp, newestFieldStamp: newest)
        return (record, isDeleted, created, updated)
    }
}
