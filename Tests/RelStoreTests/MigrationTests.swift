import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// A store written by reld 0.1 (schema v1) opens in this version with nothing lost, and its
/// history gains the bases that merging needs.
@Suite struct MigrationTests {
    @Test func aVersion1StoreUpgradesWithItsHistory() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/reld.sqlite"

        // What 0.1 wrote: a record created, then its title edited twice.
        let pool = try DatabasePool(path: path)
        try AppDatabase.migrator.migrate(pool, upTo: "v1")
        let doc = JSONText.compact(try event("r1", date: "2023", title: "Third").json)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('node_id', 'old-node')")
            for (seq, title) in ["First", "Second", "Third"].enumerated() {
                try db.execute(
                    sql: "INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES ('r1', 'title', ?, ?, 'old-node', ?)",
                    arguments: [JSONText.quoted(title), 1000 + seq, seq + 1])
            }
            try db.execute(sql: "INSERT INTO field_stamps (record_id, field, hlc, node) VALUES ('r1', 'title', 1002, 'old-node')")
            try db.execute(
                sql: """
                    INSERT INTO records (id, kind, doc, title, category, parties, search, created_hlc, updated_hlc)
                    VALUES ('r1', 'event', ?, 'Third', 'military', '["ML"]', 'third', 1000, 1002)
                    """, arguments: [doc])
        }
        try pool.close()

        let db = try AppDatabase(path: path)
        #expect(db.nodeID == "old-node")
        #expect(try await db.record(id: "r1").title == "Third")
        let log = try await db.changes()
        #expect(
            log.map(\.bases) == [
                [], [Stamp(hlc: HLCTimestamp(rawValue: 1000), node: "old-node")],
                [Stamp(hlc: HLCTimestamp(rawValue: 1001), node: "old-node")],
            ])
        #expect(try await db.conflicts().isEmpty)
        // A new edit replaces the upgraded value, and nothing conflicts.
        _ = try await db.update(id: "r1", edits: ["title": "Fourth"])
        #expect(try await db.changes().last?.bases == [Stamp(hlc: HLCTimestamp(rawValue: 1002), node: "old-node")])
        #expect(try await db.snapshot().changes.contains { $0.value == "Fourth" })
        try await db.close()
    }

    /// A database a newer reld migrated is refused as it is, not opened with a schema this
    /// version does not understand.
    @Test func aStoreFromANewerReldIsRefusedUntouched() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/reld.sqlite"
        try await AppDatabase(path: path).close()
        let pool = try DatabasePool(path: path)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try pool.close()

        #expect(throws: StoreError.newerSchema(path: path)) { try AppDatabase(path: path) }
        let migrations = try await DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations.contains("v99-from-the-future"))
    }
}
