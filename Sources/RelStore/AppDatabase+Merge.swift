import Foundation
import GRDB
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
            var tables = SQLiteMergeTables(db: db, page: PageMerge(materialize: materialize))
            try before?(db)
            // Records new in this batch are indexed for search once, at its end.
            let summary = try Self.deferringSearchIndex(db) {
                let summary = try BatchMerge.apply(input, ownNode: self.nodeID, to: &tables)
                for id in tables.page.dirty { try self.rebuild(db, id: id, page: tables.page) }
                return summary
            }
            try within?(db)
            return summary
        }
        if let newest = input.lazy.filter({ $0.node != self.nodeID }).map(\.hlc).max() {
            clock.mutex.withLock { $0.observe(newest) }
        }
        return summary
    }

    /// Rewrites a record's row from its fields' values; `page`, while a batch is merged, has
    /// the values it checked, so they need not be read back and parsed.
    func rebuild(_ db: Database, id: String, page: PageMerge? = nil) throws {
        let winners = try page?.freshWinners(of: id) ?? Self.winningValues(db, id: id, known: page?.values ?? [:])
        guard let merged = RecordAssembly.assemble(id, winners) else { return }
        try save(db, merged.record, deleted: merged.deleted, createdHLC: merged.created, updatedHLC: merged.updated)
    }

    /// The winning values of every field of record `id`, read from the store; values of changes
    /// in `known` (by `seq`) are taken from it rather than parsed again.
    static func winningValues(_ db: Database, id: String, known: [Int64: JSONValue]) throws -> [RecordAssembly.WinningValue] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT w.field, c.hlc, c.node, c.value, c.seq FROM winners w JOIN changes c ON c.seq = w.seq WHERE w.record_id = ?"),
            arguments: [id])
        return try rows.map { row in
            let seq: Int64 = row[4]
            return RecordAssembly.WinningValue(
                field: row[0], stamp: Stamp(hlc: HLCTimestamp(rawValue: row[1]), node: row[2]),
                value: try known[seq] ?? JSONValue.parse(row[3] as String))
        }
    }
}
