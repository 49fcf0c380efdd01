import RelModel
import Testing

@testable import RelStore

/// `--add/--remove` on long lists: counted by hash, with the results a search item by item gave.
@Suite struct ListEditLinearTests {
    static func missing(_ item: JSONValue) -> StoreError { .notInList(id: "r", field: "f", item: JSONText.compact(item)) }

    @Test func removalsTakeOneCopyEachAndAdditionsSkipWhatIsThere() throws {
        let out = try AppDatabase.listEdit(["a", "b", "a", "c"], removing: ["a"], adding: ["c", "d", "d", "a"], missing: Self.missing)
        #expect(out == ["b", "a", "c", "d"])
        let both = try AppDatabase.listEdit(["a", "b", "a"], removing: ["a", "a"], adding: [], missing: Self.missing)
        #expect(both == ["b"])
    }

    @Test func aRemovalOfMoreCopiesThanThereAreNamesTheItem() {
        #expect(throws: Self.missing("a")) {
            _ = try AppDatabase.listEdit(["a", "b"], removing: ["b", "a", "a"], adding: [], missing: Self.missing)
        }
        #expect(throws: Self.missing("z")) {
            _ = try AppDatabase.listEdit(["a"], removing: ["z", "a"], adding: [], missing: Self.missing)
        }
    }

    /// 100,000 items less 50,000 plus 50,000: quadratic work would be 5e9 comparisons.
    @Test func longListsAreEditedInOnePass() throws {
        let items = (0..<100_000).map { JSONValue.string("t\($0)") }
        let removals = stride(from: 0, to: 100_000, by: 2).map { JSONValue.string("t\($0)") }
        let additions = (100_000..<150_000).map { JSONValue.string("t\($0)") }
        let out = try AppDatabase.listEdit(items, removing: removals, adding: additions, missing: Self.missing)
        #expect(out.count == 100_000)
        #expect(out.first == "t1" && out.last == "t149999")
    }
}
