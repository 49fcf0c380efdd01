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
            // Status reads the counts `v10-record-counts` keeps; they start as the rows are.
            #expect(try await RecordCountTests.countsMatchTheRows(db))
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
            #expect(before.records.count == old.records, "the fixture's records, tombstones included, were read")
            for (id, state) in before.records.sorted(by: { $0.key < $1.key }) {
                #expect(after.records[id] == state, "record \(id)")
            }
            #expect(after.changes == before.changes)
            #expect(after.conflicts == before.conflicts)
            #expect(after.conflicts.count == old.conflicts)

            let stats = try await db.statistics()
            #expect(stats.counts == old.counts)
            #expect(stats.deleted == old.deleted)
            #expect(stats.pendingChanges == old.pending)
            #expect(try await db.list(with(RecordFilter()) { $0.kind = .agreement }).total == old.counts[.agreement])
            #expect(try await db.list(RecordFilter()).total == old.counts.values.reduce(0, +))
            if old.hub {
                // A hub keeps fields and conflicts, never record rows.
                #expect(!before.changes.isEmpty)
                await #expect(throws: StoreError.notFound(id: "mlru-e02")) { try await db.record(id: "mlru-e02") }
                try await db.close()
                return
            }
            await #expect(throws: StoreError.deleted(id: "mlru-e02")) { try await db.record(id: "mlru-e02") }
            // Typed decomposed: builds before v3-nfc stored it so and v3-nfc composed it; later ones compose it as they write.
            let title = try await db.record(id: "mlru-e01").title
            #expect(Array(title.utf8) == Array("Assimi Go\u{00EF}ta meets the Russian ambassador".utf8))
            #expect(try await db.list(with(RecordFilter()) { $0.text = "Go\u{00EF}ta" }).total == 1)
            try await db.close()
        }
    }

    @Test(arguments: OldStore.all.filter { !$0.hub })
    func anUpgradedStoreTakesNewWork(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            let edited = try await db.update(id: "mlru-e04", edits: ["title": "Edited after the upgrade"])
            #expect(edited.title == "Edited after the upgrade")
            #expect(try await db.statistics().pendingChanges == old.pending + 1)
            _ = try await db.restore(id: "mlru-e02")
            #expect(try await db.statistics().deleted == old.deleted - 1)
            if old.conflicts > 0 {
                let open = try await db.conflicts().count
                let resolved = try await db.resolve(id: "mlru-e03", field: "title", choice: .remote)
                #expect(resolved.title == "Title as the other node wrote it")
                let left = try await db.conflicts()
                #expect(left.count == open - 1 && !left.contains { $0.recordID == "mlru-e03" }, "\(left)")
            }
            #expect(try await db.quickCheck().isEmpty)
            try await db.close()
        }
    }
}

extension OldStoreUpgradeTests {
    /// A hub keeps who owns each node id: the owner's token may push more under it, another's may not.
    @Test(arguments: OldStore.all.filter { $0.hub })
    func anUpgradedHubKeepsItsOwnersAndTakesPushes(_ old: OldStore) async throws {
        try await old.withCopy { path in
            let db = try AppDatabase(path: path)
            let log = try await db.changes(limit: 1_000_000)
            let names = try await db.nodeNames(of: Set(log.map(\.node)))
            #expect(Set(names.values) == Set(OldStore.hubTokens.keys))
            for (node, name) in names { #expect(try await db.nodeOwner(node) == OldStore.hubTokens[name], "\(name)") }
            let ana = try #require(names.first { $0.value == "ana@field-laptop" }?.key)
            let last = try #require(log.filter { $0.recordID == "mlru-e04" && $0.field == "title" }.max { $0.stamp < $1.stamp })
            let next = (log.filter { $0.node == ana }.map(\.nodeSeq).max() ?? 0) + 1
            let hlc = HLCTimestamp(millis: WallClock.system.nowMillis(), counter: 0)
            let change = Change(
                recordID: "mlru-e04", field: "title", value: "Edited after the upgrade", hlc: hlc, node: ana, nodeSeq: next,
                bases: [last.stamp])
            // Ben's token, pushing as ben, cannot write under ana's node id.
            let ben = try #require(names.first { $0.value == "Bénédicte@bamako" }?.key)
            await #expect(throws: StoreError.nodeNotYours(node: ana, nodeSeq: next)) {
                try await db.applyPushed([change], writer: OldStore.hubTokens["Bénédicte@bamako"]!, declaredNode: ben)
            }
            let head = try await db.feedHead()
            let anaToken = try #require(OldStore.hubTokens["ana@field-laptop"])
            let summary = try await db.applyPushed([change], writer: anaToken, declaredNode: ana)
            #expect(summary.applied == 1 && summary.conflicts == 0)
            #expect(try await db.feedHead() == head + 1)
            #expect(try await db.feedPage(since: head, limit: 10).changes == [change])
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
