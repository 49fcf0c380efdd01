import Foundation
import RelModel
import RelStore
import Testing

// Protects the store's writes: create, update, delete, import, and the change log they append.
@Suite struct AppDatabaseTests {
    // [created, updated, unchanged]
    func counts(_ s: ImportSummary) -> [Int] { [s.created, s.updated, s.unchanged] }

    @Test func createThenRead() async throws {
        try await withStore { db, _ in
            let r = try Seed.record("mlru-e21")
            try await db.create(r)
            let back = try await db.record(id: "mlru-e21")
            #expect(back == r)
            #expect(JSONText.compact(back.json) == JSONText.compact(r.json))
            await #expect(throws: StoreError.notFound(id: "nope")) { try await db.record(id: "nope") }
        }
    }

    @Test func createAppendsKindThenEveryFieldWithOneStamp() async throws {
        try await withStore { db, _ in
            let r = try Seed.record("mlru-a03")
            try await db.create(r)
            let changes = try await db.changes()
            #expect(changes.map(\.field) == ["_kind"] + RecordSchema.fields(for: .agreement).map(\.name))
            #expect(changes.first?.value == "agreement")
            #expect(changes.allSatisfy { $0.recordID == "mlru-a03" && $0.node == db.nodeID })
            #expect(Set(changes.map(\.hlc)).count == 1)
            for change in changes.dropFirst() {
                #expect(unordered(change.value) == unordered(r.fields[change.field] ?? .null), "\(change.field)")
            }
        }
    }

    @Test func duplicateIDIsRefused() async throws {
        try await withStore { db, _ in
            try await db.create(try event("dup-1", date: "2023"))
            let before = try await db.changes().count
            await #expect(throws: StoreError.alreadyExists(id: "dup-1")) {
                try await db.create(try event("dup-1", date: "2024", title: "Other"))
            }
            #expect(try await db.record(id: "dup-1").title == "Event")
            #expect(try await db.changes().count == before)
        }
    }

    @Test func updateWritesAndLogsOnlyTheChangedFields() async throws {
        try await withStore { db, _ in
            let r = try Seed.record("mlru-e21")
            try await db.create(r)
            let before = try await db.changes()
            let updated = try await db.update(
                id: r.id,
                edits: [
                    "title": "Putin and Goïta meet",  // changed
                    "category": "diplomatic",  // same as before
                    "source.url": "https://example.org/a",  // changed, nested
                ])
            #expect(updated.title == "Putin and Goïta meet")
            #expect(try await db.record(id: r.id) == updated)
            let after = try await db.changes()
            let added = Array(after.dropFirst(before.count))
            #expect(added.map(\.field) == ["title", "source"])
            #expect(added.first?.value == "Putin and Goïta meet")
            #expect(added.last?.value["url"] == "https://example.org/a")
            #expect(added.allSatisfy { $0.node == db.nodeID && $0.recordID == r.id })
            let lastBefore = try #require(before.last?.hlc)
            #expect(added.allSatisfy { $0.hlc > lastBefore })
            #expect(updated.changedFields(from: r) == ["title", "source"])
        }
    }

    @Test func successiveWritesHaveIncreasingStamps() async throws {
        try await withStore { db, _ in
            try await db.create(try event("h-1", date: "2023"))
            for n in 0..<5 { _ = try await db.update(id: "h-1", edits: ["notes": .string("note \(n)")]) }
            try await db.delete(id: "h-1")
            let changes = try await db.changes()
            let notes = changes.filter { $0.field == "notes" }.dropFirst()  // the first is from create
            #expect(notes.count == 5)
            let stamps = notes.map(\.hlc) + [try #require(changes.last?.hlc)]
            #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
            #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.hlc <= $1.hlc })
        }
    }

    @Test func updateThatChangesNothingLogsNothing() async throws {
        try await withStore { db, _ in
            let r = try Seed.record("mlru-e02")
            try await db.create(r)
            let before = try await db.changes().count
            let same = try await db.update(id: r.id, edits: ["title": .string(r.title)])
            #expect(same == r)
            #expect(try await db.changes().count == before)
        }
    }

    @Test func invalidUpdateWritesNothing() async throws {
        try await withStore { db, _ in
            let r = try Seed.record("mlru-e02")
            try await db.create(r)
            let before = try await db.changes().count
            let error = await #expect(throws: ValidationError.self) {
                _ = try await db.update(id: r.id, edits: ["title": "New", "parties": ["XX"]])
            }
            #expect(error?.field == "parties[0]")
            #expect(try await db.record(id: r.id) == r)
            #expect(try await db.changes().count == before)
            await #expect(throws: StoreError.notFound(id: "missing")) {
                _ = try await db.update(id: "missing", edits: ["title": "x"])
            }
        }
    }

    @Test func deleteLeavesATombstone() async throws {
        try await withStore { db, _ in
            try await db.create(try event("d-1", date: "2023"))
            try await db.create(try event("d-2", date: "2024"))
            try await db.delete(id: "d-1")
            await #expect(throws: StoreError.deleted(id: "d-1")) { try await db.record(id: "d-1") }
            let stats = try await db.statistics()
            #expect(stats.deleted == 1)
            #expect(stats.counts[.event] == 1)
            #expect(stats.counts[.agreement] == 0)
            let last = try #require(try await db.changes().last)
            #expect(last.field == "_deleted")
            #expect(last.value == true)
            #expect(last.recordID == "d-1")
            #expect(last.node == db.nodeID)
            #expect(try ids(try await db.exportDocuments()) == ["d-2"])
            #expect(try await db.list(RecordFilter()).total == 1)
            await #expect(throws: StoreError.deleted(id: "d-1")) { try await db.delete(id: "d-1") }
            await #expect(throws: StoreError.deleted(id: "d-1")) { _ = try await db.update(id: "d-1", edits: ["title": "x"]) }
            await #expect(throws: StoreError.deleted(id: "d-1")) { try await db.create(try event("d-1", date: "2023")) }
            let tombstone = try await db.recordOrTombstone(id: "d-1")
            #expect(tombstone.deleted && tombstone.record.id == "d-1")
            #expect(try await db.restoring(id: "d-1").restored)
            #expect(try await db.restoring(id: "d-1").restored == false, "a live record is left as it is")
            await #expect(throws: StoreError.notFound(id: "nope")) { _ = try await db.recordOrTombstone(id: "nope") }
        }
    }

    @Test func importOfTheSeedIsIdempotent() async throws {
        try await withStore { db, _ in
            let seed = try Seed.records()
            let first = try await db.importRecords(seed)
            #expect(counts(first) == [53, 0, 0])
            let stats = try await db.statistics()
            #expect(stats.counts == [.event: 46, .agreement: 7])
            #expect(stats.deleted == 0)
            let changes = try await db.changes().count
            #expect(changes == 46 * 14 + 7 * 22)  // `_kind` plus every field of each record
            let second = try await db.importRecords(seed)
            #expect(counts(second) == [0, 0, 53])
            #expect(try await db.changes().count == changes)
            for r in seed { #expect(try await db.record(id: r.id) == r) }
        }
    }

    @Test func importUpdatesChangedRecordsAndRevivesDeletedOnes() async throws {
        try await withStore { db, _ in
            var seed = try Seed.records()
            _ = try await db.importRecords(seed)
            try await db.delete(id: "mlru-e05")
            let before = try await db.changes().count
            seed[0] = try RecordValidator.applying(["notes": "Edited elsewhere."], to: seed[0])
            let summary = try await db.importRecords(seed)
            #expect(counts(summary) == [0, 2, 51])
            let added = Array(try await db.changes().dropFirst(before))
            #expect(added.map { "\($0.recordID) \($0.field)" } == ["mlru-e01 notes", "mlru-e05 _deleted"])
            #expect(added.last?.value == false)
            #expect(try await db.record(id: "mlru-e05").id == "mlru-e05")
            #expect(try await db.record(id: "mlru-e01").fields["notes"] == "Edited elsewhere.")
            #expect(try await db.statistics().deleted == 0)
        }
    }

    @Test func importWithAKindChangeWritesNothing() async throws {
        try await withStore { db, _ in
            _ = try await db.importRecords(try Seed.records())
            let before = try await db.changes().count
            let batch = [
                try event("new-1", date: "2023"),
                try record(#"{"id":"mlru-e01","kind":"agreement","title":"Now an agreement","category":"political"}"#),
                try event("new-2", date: "2023"),
            ]
            let error = await #expect(throws: ValidationError.self) { _ = try await db.importRecords(batch) }
            #expect(error?.field == "kind")
            #expect(error?.recordIndex == 1)
            #expect(error?.recordID == "mlru-e01")
            #expect(error?.description.hasPrefix(#"record 2 (id "mlru-e01"): field kind: "agreement": "#) == true)
            await #expect(throws: StoreError.notFound(id: "new-1")) { try await db.record(id: "new-1") }
            #expect(try await db.record(id: "mlru-e01").kind == .event)
            #expect(try await db.changes().count == before)
            #expect(try await db.statistics().counts == [.event: 46, .agreement: 7])
        }
    }

    @Test func updateInAFailedImportIsRolledBack() async throws {
        try await withStore { db, _ in
            _ = try await db.importRecords(try Seed.records())
            let e02 = try RecordValidator.applying(["title": "Changed in batch"], to: try Seed.record("mlru-e02"))
            let bad = try record(#"{"id":"mlru-a01","kind":"event","title":"x","category":"political"}"#)
            await #expect(throws: ValidationError.self) { _ = try await db.importRecords([e02, bad]) }
            #expect(try await db.record(id: "mlru-e02").title == "Mali and the Soviet Union establish relations")
        }
    }

    @Test func nodeIDAndClockPersistAcrossReopen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-reopen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/reld.sqlite"
        let first = try AppDatabase(path: path)
        let node = first.nodeID
        #expect(!node.isEmpty)
        try await first.create(try event("p-1", date: "2023"))
        let lastStamp = try #require(try await first.changes().last?.hlc)
        try await first.close()

        let again = try AppDatabase(path: path)
        #expect(again.nodeID == node)
        #expect(try await again.record(id: "p-1").title == "Event")
        _ = try await again.update(id: "p-1", edits: ["title": "Renamed"])
        let newest = try #require(try await again.changes().last)
        #expect(newest.hlc > lastStamp)
        #expect(newest.node == node)
        try await again.close()

        let other = dir.path + "/other.sqlite"
        let second = try AppDatabase(path: other)
        #expect(second.nodeID != node)
        try await second.close()
    }

    @Test func pendingCountsLocalChanges() async throws {
        try await withStore { db, _ in
            #expect(try await db.statistics().pendingChanges == 0)
            try await db.create(try event("c-1", date: "2023"))
            _ = try await db.update(id: "c-1", edits: ["title": "x", "notes": "y"])
            try await db.delete(id: "c-1")
            let stats = try await db.statistics()
            #expect(stats.pendingChanges == 14 + 2 + 1)
            #expect(stats.pendingChanges == (try await db.changes().count))
            #expect(stats.sizeBytes > 0)
        }
    }

    @Test func changesPageBySequence() async throws {
        try await withStore { db, _ in
            _ = try await db.importRecords(try Seed.records())
            let all = try await db.changes()
            let page = try await db.changes(after: 10, limit: 5)
            let key = { (c: Change) in "\(c.recordID) \(c.field) \(c.hlc) \(JSONText.compact(unordered(c.value)))" }
            #expect(page.map(key) == all[10..<15].map(key))
            #expect(try await db.changes(after: Int64(all.count)).isEmpty)
        }
    }

    // The store re-validates what it reads, so a record typed with few fields must come back equal.
    @Test func minimalRecordRoundTripsThroughTheStore() async throws {
        try await withStore { db, _ in
            let r = try record(#"{"id":"min-1","kind":"event","title":"x","category":"military"}"#)
            try await db.create(r)
            let back = try await db.record(id: "min-1")
            let summary = try await db.importRecords([r])
            #expect(back == r)
            #expect(counts(summary) == [0, 0, 1])
        }
    }
}
