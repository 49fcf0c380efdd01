import GRDB
import RelModel

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// Records that were new.
    public var created = 0
    /// Records that existed and had fields changed (or were deleted and came back).
    public var updated = 0
    /// Records that were already exactly so.
    public var unchanged = 0
}

extension AppDatabase {
    /// How many records an import writes between two calls of its `progress` closure.
    public static let importProgressInterval = 256

    /// Stores many records in one transaction: new ones are created, existing ones get the fields
    /// that differ, identical ones are left alone. If any fails, nothing is written.
    public func importRecords(
        _ records: [Record],
        progress: (@Sendable (_ written: Int, _ total: Int) throws -> Void)? = nil
    ) async throws -> ImportSummary {
        try await importRecords(count: records.count, progress: progress) { records[$0] }
    }

    /// Stores `count` records in one transaction, asking `record` for each in turn (0, 1, ...), so
    /// that an import of any size need not be held in memory: the records can come from a file.
    /// New ones are created, existing ones get the fields that differ, identical ones are left
    /// alone. If any fails, or one id comes twice, nothing is written.
    ///
    /// `progress` is called with the records written so far and the total, before the first record,
    /// every ``importProgressInterval`` records, and once more just before the commit. Whatever it
    /// (or `record`) throws, e.g. `CancellationError` when the client has gone, rolls the whole
    /// import back: GRDB runs the write synchronously, so this is where a long import can be stopped.
    public func importRecords(
        count: Int,
        progress: (@Sendable (_ written: Int, _ total: Int) throws -> Void)? = nil,
        record: @escaping @Sendable (_ index: Int) throws -> Record
    ) async throws -> ImportSummary {
        try await write { db in
            var log = ChangeWriter(db: db, node: self.nodeID)
            let summary = try Self.deferringSearchIndex(db) {
                var summary = ImportSummary()
                // The ids seen so far, on disk rather than in memory; created and dropped inside
                // this transaction, so a rollback or a crash leaves nothing behind.
                try db.execute(sql: "CREATE TEMP TABLE import_ids (id TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID")
                for index in 0..<count {
                    if let progress, index % Self.importProgressInterval == 0 { try progress(index, count) }
                    let record = try record(index)
                    try Self.checkOnce(db, record.id, index)
                    guard let current = try self.stored(db, id: record.id) else {
                        try self.insertNew(record, log: &log, hlc: self.tick())
                        summary.created += 1
                        continue
                    }
                    guard current.record.kind == record.kind else {
                        throw ValidationError(
                            field: "kind", value: JSONText.quoted(record.kind.rawValue),
                            reason:
                                "record \(record.id) exists already as an \(current.record.kind.rawValue); the kind of a record cannot change",
                            recordIndex: index, recordID: record.id)
                    }
                    let changed = record.changedFields(from: current.record)
                    guard !changed.isEmpty || current.deleted else {
                        summary.unchanged += 1
                        continue
                    }
                    let hlc = self.tick()
                    for field in changed { try log.append(record.id, field, record.fields[field]!, hlc) }
                    if current.deleted { try log.append(record.id, Change.deletedField, .bool(false), hlc) }
                    try self.save(db, record, deleted: false, createdHLC: current.createdHLC, updatedHLC: hlc)
                    summary.updated += 1
                }
                try db.execute(sql: "DROP TABLE temp.import_ids")
                return summary
            }
            try progress?(count, count)
            return summary
        }
    }

    /// Refuses a record whose id came earlier in the same import, naming both places.
    private static func checkOnce(_ db: Database, _ id: String, _ index: Int) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO import_ids (id, position) VALUES (?, ?) ON CONFLICT DO NOTHING")
        try insert.execute(arguments: [id, index])
        guard db.changesCount == 0 else { return }
        let first = try Int.fetchOne(db, sql: "SELECT position FROM import_ids WHERE id = ?", arguments: [id]) ?? 0
        throw ValidationError(
            field: "id", value: JSONText.quoted(id),
            reason: "appears twice in this import (also record \(first + 1))", recordIndex: index, recordID: id)
    }
}
