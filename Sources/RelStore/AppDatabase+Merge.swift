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
        try await applyRemote(check(changes, bound: bound), materialize: materialize, before: before, within: within)
    }

    /// Merges changes already checked (see ``applyRemote(_:bound:materialize:before:within:)``).
    public func applyRemote(
        _ checked: CheckedChanges, materialize: Bool = true,
        before: (@Sendable (Database) throws -> Void)? = nil,
        within: (@Sendable (Database) throws -> Void)? = nil
    ) async throws -> ApplySummary {
        let input = checked.changes
        let summary = try await write { db in
            var summary = ApplySummary()
            var page = PageMerge(materialize: materialize)
            try before?(db)
            // Records new in this batch are indexed for search once, at its end.
            try Self.deferringSearchIndex(db) {
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
                    page.logged(change, seq: seq)
                    if try self.merge(db, change, .init(stamp: change.stamp, value: value, seq: seq), &page) { summary.conflicts += 1 }
                }
                for id in page.dirty { try self.rebuild(db, id: id, page: page) }
            }
            try within?(db)
            return summary
        }
        if let newest = input.lazy.filter({ $0.node != self.nodeID }).map(\.hlc).max() {
            clock.mutex.withLock { $0.observe(newest) }
        }
        return summary
    }

    /// Folds one logged change (`version`) into its field; returns whether it opened a conflict.
    private func merge(_ db: Database, _ change: Change, _ version: FieldState.Version, _ page: inout PageMerge) throws -> Bool {
        let winner = try page.winner(db, change.recordID, change.field)
        // A field with no value has no logged change that replaced this one: each logged change
        // of a field became its value or a conflict, or was replaced by a later one that did
        // (bases are older than their change), so the lookup is needed only once there is a value.
        let superseded = try winner != nil && FieldState.isSuperseded(db, change.recordID, change.field, change.stamp)
        switch MergeRules.merge(change.stamp, bases: change.bases, alreadySuperseded: superseded, winner: winner?.stamp) {
        case .wins(let demoted):
            try FieldState.setWinner(db, change.recordID, change.field, seq: version.seq)
            page.setWinner(change.recordID, change.field, version)
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

    /// Rewrites a record's row from its fields' values; `page`, while a batch is merged, has
    /// the values it checked, so they need not be read back and parsed.
    func rebuild(_ db: Database, id: String, page: PageMerge? = nil) throws {
        let winners = try page?.freshWinners(of: id) ?? Self.winningValues(db, id: id, known: page?.values ?? [:])
        guard let merged = Self.assemble(id, winners) else { return }
        try save(db, merged.record, deleted: merged.deleted, createdHLC: merged.created, updatedHLC: merged.updated)
    }

    /// One field's value, with the stamp of the change that wrote it.
    struct WinningValue {
        var field: String
        var stamp: Stamp
        var value: JSONValue
    }

    /// The winning values of every field of record `id`, read from the store; values of changes
    /// in `known` (by `seq`) are taken from it rather than parsed again.
    static func winningValues(_ db: Database, id: String, known: [Int64: JSONValue]) throws -> [WinningValue] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT w.field, c.hlc, c.node, c.value, c.seq FROM winners w JOIN changes c ON c.seq = w.seq WHERE w.record_id = ?"),
            arguments: [id])
        return try rows.map { row in
            let seq: Int64 = row[4]
            return WinningValue(
                field: row[0], stamp: Stamp(hlc: HLCTimestamp(rawValue: row[1]), node: row[2]),
                value: try known[seq] ?? JSONValue.parse(row[3] as String))
        }
    }

    /// The record `id` as its fields' winning values make it, whether it is deleted, and the
    /// clocks of its first and last change; `nil` while it is not complete. Shared by
    /// ``rebuild(_:id:page:)`` and the JSON Feed read from the fields, so the two never disagree.
    static func merged(_ db: Database, id: String) throws
        -> (record: Record, deleted: Bool, created: HLCTimestamp, updated: HLCTimestamp)?
    {
        try assemble(id, winningValues(db, id: id, known: [:]))
    }

    /// The record `id` made of `winners`, its fields' values in any order (see ``merged(_:id:)``).
    private static func assemble(_ id: String, _ winners: [WinningValue])
        -> (record: Record, deleted: Bool, created: HLCTimestamp, updated: HLCTimestamp)?
    {
        var fields = OrderedDictionary<String, JSONValue>(minimumCapacity: winners.count)
        var kind: RecordKind?
        var deleted = false
        var deletedStamp: Stamp?
        var newest: Stamp?
        var created = HLCTimestamp.zero
        var updated = HLCTimestamp.zero
        for winner in winners {
            updated = max(updated, winner.stamp.hlc)
            switch winner.field {
            case Change.kindField:
                kind = winner.value.stringValue.flatMap(RecordKind.init(rawValue:))
                created = winner.stamp.hlc
            case Change.deletedField:
                deleted = winner.value == .bool(true)
                deletedStamp = winner.stamp
            default:
                fields[winner.field] = winner.value
                newest = max(newest ?? winner.stamp, winner.stamp)
            }
        }
        // A record's first changes can arrive in separate pages: until its kind and every
        // required field are here (each value was checked as it came), it has no row.
        guard let kind, let record = try? RecordValidator.merged(id: id, kind: kind, fields: fields) else { return nil }
        let isDeleted = MergeRules.isDeleted(deleted: deleted, deletedStamp: deletedStamp, newestFieldStamp: newest)
        return (record, isDeleted, created, updated)
    }
}
