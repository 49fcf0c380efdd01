import Foundation
import OrderedCollections
import RelModel
import Testing

@testable import RelStore

/// Full-text search: what the tokenizer folds, the query syntax, ranking, filters, deleted
/// records, and an index that follows every write, local or merged.
@Suite struct SearchTests {
    func found(_ db: AppDatabase, _ query: String, deleted: Bool = false, _ narrow: (inout RecordFilter) -> Void = { _ in }) async throws
        -> [String]
    {
        var filter = RecordFilter()
        narrow(&filter)
        return try ids(try await db.search(query, filter: filter, includeDeleted: deleted).hits.map(\.document))
    }

    func withRecords(_ body: (AppDatabase) async throws -> Void) async throws {
        try await withStore { db, _ in
            try await db.create(
                try event("goita", date: "2023-02-01", title: "Assimi Goïta meets Wagner in Côte d’Ivoire", parties: ["ML", "CI"]))
            try await db.create(try event("mali", date: "2022", title: "Wagner in Mali", parties: ["ML"]))
            try await db.create(try event("niger", date: "2024", title: "Wagner in Niger", category: "diplomatic", parties: ["NE"]))
            try await body(db)
        }
    }

    @Test func caseAndDiacriticsAndApostrophesFold() async throws {
        try await withRecords { db throws in
            for query in ["goita", "GOÏTA", "Goïta", "cote d'ivoire", "Côte d’Ivoire", "\"COTE D IVOIRE\"", "Go\u{0069}\u{0308}ta"] {
                #expect(try await found(db, query) == ["goita"], "\(query)")
            }
        }
    }

    @Test func prefixesAndPhrases() async throws {
        try await withRecords { db throws in
            #expect(try await found(db, "wagn*").sorted() == ["goita", "mali", "niger"])
            #expect(try await found(db, "wagn").isEmpty)
            #expect(try await found(db, "\"meets wagner\"") == ["goita"])
            #expect(try await found(db, "\"wagner meets\"").isEmpty)
            #expect(try await found(db, "\"wagner in m\"*") == ["mali"])
            #expect(try await found(db, "title:niger") == ["niger"])
        }
    }

    @Test func andOrNotAndParentheses() async throws {
        try await withRecords { db throws in
            #expect(try await found(db, "wagner AND mali") == ["mali"])
            #expect(try await found(db, "wagner mali") == ["mali"])
            #expect(try await found(db, "mali OR niger").sorted() == ["mali", "niger"])
            #expect(try await found(db, "wagner NOT niger").sorted() == ["goita", "mali"])
            #expect(try await found(db, "wagner (mali OR niger)").sorted() == ["mali", "niger"])
            #expect(try await found(db, "(mali OR niger) wagner").sorted() == ["mali", "niger"])
            // Operators are capitals; a lower-case "or" is a word to find.
            #expect(try await found(db, "mali or niger").isEmpty)
        }
    }

    @Test func aTitleMatchRanksAboveANotesMatch() async throws {
        try await withStore { db, _ in
            var inNotes = try event("in-notes", date: "2023", title: "Summit")
            inNotes = try RecordValidator.applying(["notes": "Held in Bamako."], to: inNotes)
            try await db.create(inNotes)
            try await db.create(try event("in-title", date: "2024", title: "Bamako summit"))
            let result = try await db.search("bamako", filter: RecordFilter())
            #expect(try ids(result.hits.map(\.document)) == ["in-title", "in-notes"])
            #expect(result.hits[0].rank < result.hits[1].rank)
            #expect(result.hits[0].snippet == "[Bamako] summit")
            #expect(result.hits[1].snippet.contains("[Bamako]"))
        }
    }

    @Test func listFiltersApply() async throws {
        try await withRecords { db throws in
            #expect(try await found(db, "wagner") { $0.category = "diplomatic" } == ["niger"])
            #expect(try await found(db, "wagner") { $0.parties = ["ML"] }.sorted() == ["goita", "mali"])
            #expect(try await found(db, "wagner") { $0.since = try! PartialDate(parsing: "2023") }.sorted() == ["goita", "niger"])
            #expect(try await found(db, "wagner") { $0.until = try! PartialDate(parsing: "2022-12") } == ["mali"])
            #expect(try await found(db, "wagner") { $0.kind = .agreement }.isEmpty)
            var filter = RecordFilter()
            filter.limit = 1
            filter.offset = 1
            let page = try await db.search("wagner", filter: filter)
            #expect(page.hits.count == 1)
            #expect(page.total == 3)
        }
    }

    @Test func deletedRecordsAreFoundOnlyWhenAskedFor() async throws {
        try await withRecords { db throws in
            try await db.delete(id: "mali")
            #expect(try await found(db, "mali").isEmpty)
            let all = try await db.search("mali", filter: RecordFilter(), includeDeleted: true)
            #expect(try ids(all.hits.map(\.document)) == ["mali"])
            #expect(all.hits.map(\.deleted) == [true])
            _ = try await db.restore(id: "mali")
            #expect(try await found(db, "mali") == ["mali"])
        }
    }

    @Test func anEditIsFoundAtOnceAndItsOldTextIsNot() async throws {
        try await withRecords { db throws in
            _ = try await db.update(id: "niger", edits: ["title": "Africa Corps in Niamey", "tags": ["sahel"]])
            #expect(try await found(db, "niger").isEmpty)
            #expect(try await found(db, "niamey") == ["niger"])
            #expect(try await found(db, "tags:sahel") == ["niger"])
        }
    }

    /// An import indexes its new rows in one statement at its end; updated rows, an import refused
    /// for a record given twice, a rolled-back import and the writes after it must all come out right.
    @Test func anImportIndexesWhatItCreatesAndWhatItUpdates() async throws {
        try await withRecords { db throws in
            let summary = try await db.importRecords([
                try event("new-1", date: "2024", title: "Uranium talks in Niamey"),
                try event("niger", date: "2024", title: "Wagner leaves Niger", category: "diplomatic", parties: ["NE"]),
            ])
            #expect(summary.created == 1 && summary.updated == 1)
            #expect(try await found(db, "niamey") == ["new-1"])
            #expect(try await found(db, "uranium") == ["new-1"])
            #expect(try await found(db, "leaves") == ["niger"])
            let twice = [
                try event("new-2", date: "2024", title: "Lithium talks in Bamako"),
                try event("new-2", date: "2024", title: "Lithium talks in Kidal"),
            ]
            let refused = await #expect(throws: ValidationError.self) { _ = try await db.importRecords(twice) }
            #expect(refused?.recordIndex == 1 && refused?.field == "id", "\(String(describing: refused))")
            #expect(refused?.reason.contains("also record 1") == true)
            #expect(try await found(db, "lithium").isEmpty)
            // As when the client goes away: the whole import is rolled back.
            await #expect(throws: CancellationError.self) {
                _ = try await db.importRecords([try event("gone", date: "2024", title: "Gold in Kayes")]) { written, _ in
                    if written > 0 { throw CancellationError() }
                }
            }
            #expect(try await found(db, "kayes").isEmpty)
            try await db.create(try event("after", date: "2024", title: "Gold in Sadiola"))
            #expect(try await found(db, "sadiola") == ["after"], "a write after an import is indexed row by row again")
            let flags = try await db.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM meta WHERE key = ?", arguments: [AppDatabase.deferredIndexKey])
            }
            #expect(flags == 0)
        }
    }

    @Test func aRecordMergedFromAFeedIsFoundAtOnce() async throws {
        try await withStore { a, _ in
            try await withStore { b, _ in
                try await a.create(try event("pulled", date: "2023", title: "Ségou convoy attacked"))
                _ = try await b.applyRemote(try await a.changes())
                #expect(try await found(b, "segou") == ["pulled"])
                _ = try await a.update(id: "pulled", edits: ["title": "Mopti convoy attacked"])
                _ = try await b.applyRemote(try await a.changes())
                #expect(try await found(b, "segou").isEmpty)
                #expect(try await found(b, "mopti") == ["pulled"])
            }
        }
    }

    /// A merged batch indexes the records it creates in one statement at its end (even one it
    /// goes on to edit) and reindexes the records it edits that were here before, row by row.
    @Test func aMergedBatchIndexesWhatItCreatesAndWhatItEdits() async throws {
        try await withStore { a, _ in
            try await withStore { b, _ in
                try await a.create(try event("old", date: "2023", title: "Ségou convoy attacked"))
                _ = try await b.applyRemote(try await a.changes())
                try await a.create(try event("new", date: "2023", title: "Gao airport shelled"))
                _ = try await a.update(id: "new", edits: ["title": "Gao airport shelled again", "tags": ["sahel"]])
                _ = try await a.update(id: "old", edits: ["title": "Mopti convoy attacked"])
                let all = try await a.changes()
                let summary = try await b.applyRemote(all)
                #expect(summary.applied == 17 && summary.duplicates == all.count - 17, "\(summary)")
                #expect(try await found(b, "segou").isEmpty)
                #expect(try await found(b, "mopti") == ["old"])
                #expect(try await found(b, "again") == ["new"])
                #expect(try await found(b, "tags:sahel") == ["new"])
                try await OneCopyMigrationTests.expectIndexMatchesRecords(b)
                let flags = try await b.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM meta WHERE key = ?", arguments: [AppDatabase.deferredIndexKey])
                }
                #expect(flags == 0)
                try await b.create(try event("local", date: "2024", title: "Kidal retaken"))
                #expect(try await found(b, "kidal") == ["local"], "a write after a merge is indexed row by row again")
            }
        }
    }

    /// A merged batch whose transaction fails after its rows and their index were written (here
    /// in `within`, where a pull saves its cursor) leaves no record and no index row behind.
    @Test func aBatchRolledBackLeavesNothingIndexed() async throws {
        try await withStore { a, _ in
            try await withStore { b, _ in
                try await a.create(try event("first", date: "2023", title: "Timbuktu blockade"))
                let changes = try await a.changes()
                await #expect(throws: CancellationError.self) {
                    _ = try await b.applyRemote(changes, within: { _ in throw CancellationError() })
                }
                #expect(try await found(b, "timbuktu").isEmpty)
                #expect(try await b.statistics().counts.values.reduce(0, +) == 0)
                try await OneCopyMigrationTests.expectIndexMatchesRecords(b)
                _ = try await b.applyRemote(changes)
                #expect(try await found(b, "timbuktu") == ["first"])
                try await OneCopyMigrationTests.expectIndexMatchesRecords(b)
            }
        }
    }

    @Test(
        "a query that cannot be read says what is wrong",
        arguments: [
            ("\"wagner", "a double quote is not closed"),
            ("AND", "AND needs a term before it (AND joins two terms, as in mali AND russia)"),
            ("mali AND", "ends with AND: it needs a term after it"),
            ("mali OR AND niger", "AND follows OR: each of AND, OR and NOT joins two terms"),
            ("(mali", "a ( is not closed"),
            ("mali)", "a ) has no ( before it"),
            ("()", "() holds nothing"),
            ("* mali", "* must follow a word or a phrase, as in wagn*"),
            ("   ", "is empty; give a word to search for"),
        ])
    func malformed(query: String, reason: String) async throws {
        try await withRecords { db throws in
            await #expect(throws: StoreError.badSearch(query: query, reason: reason)) {
                try await db.search(query, filter: RecordFilter())
            }
        }
    }

    @Test func listTextUsesTheIndex() async throws {
        try await withRecords { db throws in
            var filter = RecordFilter()
            filter.text = "cote d'ivo"
            #expect(try ids(try await db.list(filter).documents) == ["goita"])
            filter.text = "\"AND ("  // no syntax of its own: a phrase like any other
            #expect(try await db.list(filter).total == 0)
        }
    }
}
