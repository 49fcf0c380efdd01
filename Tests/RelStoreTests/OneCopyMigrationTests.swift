import Foundation
import GRDB
import RelModel
import Synchronization
import Testing

@testable import RelStore

/// `v9-one-copy`: values are kept once, in the change log; field values and conflicts point at
/// it, and the search index reads its text from the records. (That every record, change,
/// conflict, history and feed page reads the same afterwards is `OldStoreContentTests`' golden
/// files; this suite checks the pointers and the index themselves.)
@Suite struct OneCopyMigrationTests {
    @Test(arguments: OldStore.all)
    func everyValueAndConflictPointsAtTheChangeThatWroteIt(_ old: OldStore) async throws {
        try await old.withCopy { path in
            // v1 kept stamps only; v2 added the values.
            let (before, withValues) = try Self.versions(path: path, table: "field_stamps")
            let (conflictsBefore, _) = try Self.versions(path: path, table: "conflicts")
            let db = try AppDatabase(path: path)
            let after = try await db.read { db in
                try Self.lines(db, "SELECT w.record_id, w.field, c.hlc, c.node, c.value FROM winners w JOIN changes c ON c.seq = w.seq")
            }
            #expect(after.map { withValues ? $0 : Self.stamp(of: $0) }.sorted() == before)
            let conflictsAfter = try await db.read { db in
                try Self.lines(
                    db,
                    """
                    SELECT k.record_id, k.field, c.hlc, c.node, c.value FROM conflicts k JOIN changes c ON c.seq = k.seq
                    WHERE c.record_id = k.record_id AND c.field = k.field AND c.hlc = k.hlc AND c.node = k.node
                    """)
            }
            #expect(conflictsAfter == conflictsBefore)
            try await Self.expectIndexMatchesRecords(db)
            try await db.close()
        }
    }

    /// A server is told before an upgrade starts (to log it and keep systemd waiting), and the
    /// file gives back the space the old copies took.
    @Test func anUpgradeIsAnnouncedAndGivesBackTheSpaceItFreed() async throws {
        let old = try #require(OldStore.all.first { $0.name.hasPrefix("v8-") && !$0.hub })
        try await old.withCopy { path in
            let announced = Mutex<[String]?>(nil)
            let db = try AppDatabase(path: path) { migrations in announced.withLock { $0 = migrations } }
            #expect(announced.withLock { $0 }?.first == "v9-one-copy")
            let free = try await db.read { try Int.fetchOne($0, sql: "PRAGMA freelist_count") }
            #expect(free == 0)
            try await Self.expectIndexMatchesRecords(db)
            try await db.close()
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            let oldSize = try FileManager.default.attributesOfItem(atPath: old.url.path)[.size] as? Int ?? 0
            #expect(size < oldSize, "\(size) bytes after the upgrade, \(oldSize) before")
        }
        try await withStore { _, dir in
            let announced = Mutex(false)
            let db = try AppDatabase(path: dir + "/new.sqlite") { _ in announced.withLock { $0 = true } }
            #expect(announced.withLock { $0 } == false, "a new store has nothing to upgrade")
            try await db.close()
        }
    }

    /// The operator's way out of a poisoned hub (sync-protocol.md, "Change numbers") deletes
    /// changes whose stamps may still be a field's value or conflict: the field falls back to
    /// the greatest version still logged, the conflict goes, and the hub serves the rest.
    @Test func aHubWithChangesRemovedByItsOperatorStillUpgrades() async throws {
        try await withStore { _, dir in
            let path = dir + "/hub.sqlite"
            let pool = try DatabasePool(path: path)
            try AppDatabase.migrator.migrate(pool, upTo: "v8-search-deferred")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO meta (key, value) VALUES ('node_id', 'hub');
                        INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES
                            ('r1', 'title', '"Kept"', 1000, 'node-a', 1),
                            ('r1', 'title', '"Poisoned"', 3000, 'node-b', 9007199254740993),
                            ('r1', 'notes', '"Lost conflict"', 2500, 'node-b', 9007199254740994),
                            ('r1', 'notes', '"Notes"', 2600, 'node-a', 2);
                        INSERT INTO field_stamps (record_id, field, hlc, node, value) VALUES
                            ('r1', 'title', 3000, 'node-b', '"Poisoned"'), ('r1', 'notes', 2600, 'node-a', '"Notes"');
                        INSERT INTO conflicts (record_id, field, hlc, node, value) VALUES
                            ('r1', 'title', 1000, 'node-a', '"Kept"'), ('r1', 'notes', 2500, 'node-b', '"Lost conflict"');
                        DELETE FROM changes WHERE node_seq > 9007199254740992;
                        """)
            }
            try pool.close()

            let db = try AppDatabase(path: path)
            let values = try await db.snapshot().changes.map { "\($0.field)=\(JSONText.compact($0.value))" }
            #expect(values == ["title=\"Kept\"", "notes=\"Notes\""])
            #expect(try await db.conflicts().isEmpty)
            #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM conflicts") } == 0)
            try await db.close()
        }
    }

    /// An import defers indexing of the rows it creates to one statement at its end, while rows
    /// it updates are re-indexed as they change: after both, and after the writes that follow,
    /// the index holds exactly the words the records hold.
    @Test func theIndexHoldsWhatTheRecordsHoldAfterImportsAndEdits() async throws {
        try await withStore { db, _ in
            try await db.create(try event("r1", date: "2023", title: "Before the import"))
            _ = try await db.importRecords([
                try event("r1", date: "2023", title: "Alpha renamed"), try event("r2", date: "2024", title: "Gamma arrives"),
            ])
            _ = try await db.update(id: "r2", edits: ["title": "Gamma edited"])
            try await db.delete(id: "r1")
            let found = try await db.search("alpha OR gamma OR before", filter: RecordFilter(), includeDeleted: true)
            #expect(try ids(found.hits.map(\.document)).sorted() == ["r1", "r2"])
            #expect(try await db.search("before OR arrives", filter: RecordFilter(), includeDeleted: true).total == 0)
            try await Self.expectIndexMatchesRecords(db)
        }
    }

    /// FTS5's own check: every word indexed is in the text the `records_text` view gives now,
    /// and every word of it is indexed.
    static func expectIndexMatchesRecords(_ db: AppDatabase) async throws {
        try await db.writer.write { db in
            try db.execute(sql: "INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)")
        }
    }

    /// A fixture's field values or conflicts, read from the untouched file, and whether it kept
    /// their values (a table it lacks reads as empty).
    static func versions(path: String, table: String) throws -> (lines: [String], withValues: Bool) {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists(table) else { return ([], true) }
            guard try db.columns(in: table).contains(where: { $0.name == "value" }) else {
                return (try lines(db, "SELECT record_id, field, hlc, node FROM \(table)"), false)
            }
            return (try lines(db, "SELECT record_id, field, hlc, node, value FROM \(table)"), true)
        }
    }

    /// A line of ``lines(_:_:)`` without its value.
    static func stamp(of line: String) -> String {
        line.split(separator: " ", maxSplits: 4).prefix(4).joined(separator: " ")
    }

    private static func lines(_ db: Database, _ sql: String) throws -> [String] {
        try Row.fetchAll(db, sql: sql).map { row in
            var line = "\(row[0] as String) \(row[1] as String) \(row[2] as Int64) \(row[3] as String)"
            if row.count > 4 { line += " \(row[4] as String)" }
            return line
        }.sorted()
    }
}
