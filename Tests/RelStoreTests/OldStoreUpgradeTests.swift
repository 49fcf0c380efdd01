import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// Stores written by earlier builds (`Fixtures/`) open in this version with every migration
/// applied, the schema of a new store, and every record, tombstone, change, pending change and
/// conflict still there.
@Suite struct OldStoreUpgradeTests {
    @Test(arguments: OldStore.all)
    func anOldStoreUpgradesToTheSchemaOfANewOne(_ old: OldStore) async throws {
        let fresh = try await withStore { db, _ in try await db.read { try schema($0) } }
        try await old.withCopy { path in
            let (_, migrations, indexes) = try StoreContents.read(path: path)
            try #require(migrations == old.migrations, "the fixture is not what its build wrote")
            try #require(indexes.contains("records_by_kind") == old.hasKindIndex)

            let db = try AppDatabase(path: path)
            let (applied, upgraded) = try await db.read { db in
                (try AppDatabase.migrator.appliedMigrations(db), try schema(db))
            }
            #expect(applied == AppDatabase.migrator.migrations)
            #expect(upgraded == fresh, "\(difference(upgraded, fresh))")
            // What the index is for: status counts live records by kind from it alone.
            let plan = try await db.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT kind, count(*) FROM records WHERE deleted = 0 GROUP BY kind")
                    .map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("COVERING INDEX records_by_kind") }, "\(plan)")
            try await db.close()

            // Opened again, nothing is left to migrate and nothing changes.
            let again = try AppDatabase(path: path)
            let reopened = try await again.read { try schema($0) }
            #expect(reopened == fresh, "\(difference(reopened, fresh))")
            try await again.close()
        }
    }

    @Test(arguments: OldStore.all)
    func anOldStoreKeepsEveryRecordChangeAndConflict(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let (before, _, _) = try StoreContents.read(path: path)
            let db = try AppDatabase(path: path)
            let after = try await StoreContents.read(db, ids: before.records.keys)
            #expect(after.nodeID == before.nodeID)
            #expect(before.records.count == 7, "the fixture's records, tombstone included, were read")
            for (id, state) in before.records.sorted(by: { $0.key < $1.key }) {
                #expect(after.records[id] == state, "record \(id)")
            }
            #expect(after.changes == before.changes)
            #expect(after.conflicts == before.conflicts)
            #expect(after.conflicts.count == old.conflicts)

            let stats = try await db.statistics()
            #expect(stats.counts == [.event: 4, .agreement: 2])
            #expect(stats.deleted == 1)
            #expect(stats.pendingChanges == old.pending)
            #expect(try await db.list(with(RecordFilter()) { $0.kind = .agreement }).total == 2)
            #expect(try await db.list(RecordFilter()).total == 6)
            await #expect(throws: StoreError.deleted(id: "mlru-e02")) { try await db.record(id: "mlru-e02") }
            // Typed decomposed before reld normalised text; v3-nfc composed it.
            let title = try await db.record(id: "mlru-e01").title
            #expect(Array(title.utf8) == Array("Assimi Go\u{00EF}ta meets the Russian ambassador".utf8))
            #expect(try await db.list(with(RecordFilter()) { $0.text = "Go\u{00EF}ta" }).total == 1)
            try await db.close()
        }
    }

    @Test(arguments: OldStore.all)
    func anUpgradedStoreTakesNewWork(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            let edited = try await db.update(id: "mlru-e04", edits: ["title": "Edited after the upgrade"])
            #expect(edited.title == "Edited after the upgrade")
            #expect(try await db.statistics().pendingChanges == old.pending + 1)
            _ = try await db.restore(id: "mlru-e02")
            #expect(try await db.statistics().deleted == 0)
            if old.conflicts > 0 {
                let resolved = try await db.resolve(id: "mlru-e03", field: "title", choice: .remote)
                #expect(resolved.title == "Title as the other node wrote it")
                #expect(try await db.conflicts().isEmpty)
            }
            #expect(try await db.quickCheck().isEmpty)
            try await db.close()
        }
    }
}

/// What a new store's schema has that `upgraded` lacks, and the other way round.
private func difference(_ upgraded: [String], _ fresh: [String]) -> String {
    "missing: \(fresh.filter { !upgraded.contains($0) }); not in a new store: \(upgraded.filter { !fresh.contains($0) })"
}

/// `value` changed by `change`: a filter with one field set, in one expression.
private func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
