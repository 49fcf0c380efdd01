import OrderedCollections
import RelModel
import Testing

@testable import RelStore

/// `edit --add/--remove`: the store works out the new list inside the write, from the list as
/// stored, so edits of other items made in between are kept.
@Suite struct ListItemEditTests {
    @Test func addAndRemoveWorkOnTheStoredList() async throws {
        try await withStore { db, _ in
            try await db.create(try event("l-1", date: "2023", parties: ["ML"]))
            // Two clients that each read ["ML"] and change a different item: both changes stay.
            _ = try await db.update(id: "l-1", edits: [:], additions: ["parties": ["RU"]])
            let r = try await db.update(id: "l-1", edits: [:], additions: ["parties": ["FR", "ML"]])
            #expect(r.fields["parties"] == ["ML", "RU", "FR"], "an item there already is not added twice")
            let removed = try await db.update(id: "l-1", edits: [:], additions: ["tags": ["x"]], removals: ["parties": ["ML"]])
            #expect(removed.fields["parties"] == ["RU", "FR"])
            #expect(removed.fields["tags"] == ["x"])
        }
    }

    @Test func removingAnItemThatIsNotThereChangesNothing() async throws {
        try await withStore { db, _ in
            try await db.create(try event("l-2", date: "2023", parties: ["ML"]))
            let before = try await db.changes().count
            await #expect(throws: StoreError.notInList(id: "l-2", field: "parties", item: #""RU""#)) {
                _ = try await db.update(id: "l-2", edits: [:], additions: ["tags": ["y"]], removals: ["parties": ["RU"]])
            }
            #expect(try await db.changes().count == before, "nothing of the edit was written")
            #expect(try await db.record(id: "l-2").fields["tags"] == [])
        }
    }

    @Test func onlyListsAndNotTwiceInOneEdit() async throws {
        try await withStore { db, _ in
            try await db.create(try event("l-3", date: "2023"))
            await #expect(throws: ValidationError.self) { _ = try await db.update(id: "l-3", edits: [:], additions: ["title": ["x"]]) }
            await #expect(throws: ValidationError.self) {
                _ = try await db.update(id: "l-3", edits: ["tags": ["a"]], additions: ["tags": ["b"]])
            }
            // A field of the other kind is unknown, as in a plain edit.
            await #expect(throws: ValidationError.self) {
                _ = try await db.update(id: "l-3", edits: [:], additions: ["subject_areas": ["x"]])
            }
        }
    }
}
