import Foundation
import RelModel
import RelStore
import Testing

// Protects list filters, paging, date order and export, on the seed and on hand-made dates.
@Suite struct AppDatabaseListTests {
    func query(_ db: AppDatabase, _ change: (inout RecordFilter) -> Void) async throws -> (ids: [String], total: Int) {
        var f = RecordFilter()
        change(&f)
        let (documents, total) = try await db.list(f)
        return (try ids(documents), total)
    }

    func withSeed(_ body: (AppDatabase) async throws -> Void) async throws {
        try await withStore { db, _ in
            _ = try await db.importRecords(try Seed.records())
            try await body(db)
        }
    }

    @Test func everythingByDefault() async throws {
        try await withSeed { db in
            let (docs, total) = try await db.list(RecordFilter())
            #expect(total == 53)
            #expect(docs.count == 53)
        }
    }

    @Test func byKindAndCategory() async throws {
        try await withSeed { db in
            let agreements = try await query(db) { $0.kind = .agreement }
            #expect(agreements.total == 7)
            #expect(Set(agreements.ids) == Set((1...7).map { "mlru-a0\($0)" }))
            let events = try await query(db) { $0.kind = .event }
            #expect(events.total == 46)
            let military = try await query(db) { $0.category = "military" }
            #expect(military.total == 10)
            let militaryEvents = try await query(db) {
                $0.category = "military"
                $0.kind = .event
            }
            #expect(militaryEvents.total == 9)
            let militaryAgreements = try await query(db) {
                $0.category = "military"
                $0.kind = .agreement
            }
            #expect(militaryAgreements.ids == ["mlru-a01"])
            let none = try await query(db) { $0.category = "nonsense" }
            #expect(none.total == 0 && none.ids.isEmpty)
        }
    }

    @Test(
        "records involving every listed party",
        arguments: [
            (["ML", "RU"], nil, 27, nil),
            (["ML", "RU"], RecordKind.event, 22, nil),
            (["UA"], nil, 3, ["mlru-e32", "mlru-e33", "mlru-e41"]),
            (["Wagner Group"], nil, 2, ["mlru-e24", "mlru-e31"]),
            (["ml"], nil, 0, []),
            (["UA", "FR"], nil, 0, []),
        ] as [([String], RecordKind?, Int, [String]?)])
    func byParties(parties: [String], kind: RecordKind?, total: Int, expected: [String]?) async throws {
        try await withSeed { db in
            let result = try await query(db) {
                $0.parties = parties
                $0.kind = kind
            }
            #expect(result.total == total)
            #expect(result.ids.count == total)
            if let expected { #expect(result.ids.sorted() == expected) }
        }
    }

    @Test(
        "case-insensitive text in title, notes, tags, actors, place and source",
        arguments: [
            ("WAGNER", 2, ["mlru-e24", "mlru-e31"]),
            ("tin zaouatine", 3, ["mlru-e24", "mlru-e31", "mlru-e32"]),
            ("GOÏTA", 5, ["mlru-e16", "mlru-e19", "mlru-e20", "mlru-e21", "mlru-e43"]),
            ("without limits", 53, nil),
            ("no such words anywhere", 0, []),
            ("", 53, nil),
        ] as [(String, Int, [String]?)])
    func byText(text: String, total: Int, expected: [String]?) async throws {
        try await withSeed { db in
            let result = try await query(db) { $0.text = text }
            #expect(result.total == total)
            if let expected { #expect(result.ids.sorted() == expected) }
        }
    }

    @Test func limitOffsetAndTotal() async throws {
        try await withSeed { db in
            let all = try await query(db) { _ in }
            let page = try await query(db) {
                $0.limit = 5
                $0.offset = 10
            }
            #expect(page.total == 53)
            #expect(page.ids == Array(all.ids[10..<15]))
            let tail = try await query(db) {
                $0.limit = 5
                $0.offset = 50
            }
            #expect(tail.ids == Array(all.ids[50...]))
            let past = try await query(db) { $0.offset = 100 }
            #expect(past.ids.isEmpty && past.total == 53)
            let filtered = try await query(db) {
                $0.kind = .agreement
                $0.limit = 2
            }
            #expect(filtered.ids.count == 2 && filtered.total == 7)
        }
    }

    @Test func seedSortsByDateWithUnknownLast() async throws {
        try await withSeed { db in
            let docs = try await db.list(RecordFilter()).documents.map { try JSONValue.parse($0) }
            let dates = docs.map { DateSpec(json: $0["date"] ?? .null) ?? .unknown }
            let unknown = [
                "mlru-a01", "mlru-a02", "mlru-a03", "mlru-a05", "mlru-a06", "mlru-a07", "mlru-e30", "mlru-e36", "mlru-e37", "mlru-e38",
                "mlru-e40",
            ]
            #expect(docs.suffix(11).map { $0["id"]?.stringValue } == unknown)
            #expect(dates.prefix(42).allSatisfy { $0.type != .unknown })
            let known = dates.prefix(42).map { ($0.lowerBound ?? "", $0.upperBound ?? "") }
            #expect(zip(known, known.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(docs.first?["id"] == "mlru-e01")  // 1960, an instant: ends before the 1960/1961 window
        }
    }

    // a: 2020  b: 2012/..  c: 2021-05..2021-06  d: 2023-02-07  e: unknown  f: 1960/1991
    func withDates(_ body: (AppDatabase) async throws -> Void) async throws {
        try await withStore { db, _ in
            for (id, date) in [
                ("a", "2020"), ("b", "2012/.."), ("c", "2021-05..2021-06"), ("d", "2023-02-07"), ("e", "unknown"), ("f", "1960/1991"),
            ] {
                try await db.create(try event(id, date: date))
            }
            try await body(db)
        }
    }

    @Test func datesSortUnknownLast() async throws {
        try await withDates { db in
            let all = try await query(db) { _ in }
            #expect(all.ids == ["f", "b", "a", "c", "d", "e"])
        }
    }

    @Test(
        "since and until select dates that overlap the span",
        arguments: [
            ("2021", nil, ["b", "c", "d"]),
            ("2021-07", nil, ["b", "d"]),
            ("2021-06-30", nil, ["b", "c", "d"]),
            ("2024", nil, ["b"]),
            (nil, "2020", ["f", "b", "a"]),
            (nil, "1960", ["f"]),
            (nil, "2021-04", ["f", "b", "a"]),
            (nil, "2021-05-01", ["f", "b", "a", "c"]),
            ("2020-12", "2021-05-15", ["b", "a", "c"]),
            ("1992", "2011", []),
            ("1991-12-31", "1991-12-31", ["f"]),
        ] as [(String?, String?, [String])])
    func overlap(since: String?, until: String?, expected: [String]) async throws {
        try await withDates { db in
            var query = RecordFilter()
            query.since = try since.map { try PartialDate(parsing: $0) }
            query.until = try until.map { try PartialDate(parsing: $0) }
            let result = try await db.list(query)
            #expect(try ids(result.documents) == expected)
            #expect(result.total == expected.count)
        }
    }

    @Test func sinceCombinesWithOtherFilters() async throws {
        try await withStore { db, _ in
            try await db.create(try event("x1", date: "2022", category: "economic", parties: ["ML", "RU"]))
            try await db.create(try event("x2", date: "2022", category: "economic", parties: ["ML"]))
            try await db.create(try event("x3", date: "2019", category: "economic", parties: ["ML", "RU"]))
            var f = RecordFilter()
            f.since = PartialDate(year: 2021)
            f.parties = ["RU"]
            f.category = "economic"
            let found = try ids(try await db.list(f).documents)
            #expect(found == ["x1"])
        }
    }

    @Test func editedDateMovesInTheOrder() async throws {
        try await withDates { db in
            _ = try await db.update(id: "e", edits: ["date": "1900"])
            _ = try await db.update(id: "f", edits: ["date.start": "2030", "date.end": nil])
            let all = try await query(db) { _ in }
            #expect(all.ids == ["e", "b", "a", "c", "d", "f"])
        }
    }

    @Test func exportIsSortedByID() async throws {
        try await withSeed { db in
            let docs = try await db.exportDocuments()
            let exported = try ids(docs)
            #expect(exported.count == 53)
            #expect(exported == exported.sorted())
            #expect(exported.first == "mlru-a01")
            #expect(exported.last == "mlru-e46")
            // Each document is the record's canonical JSON, byte for byte.
            let seed = Dictionary(uniqueKeysWithValues: try Seed.records().map { ($0.id, $0) })
            for (id, doc) in zip(exported, docs) {
                #expect(doc == JSONText.compact(try #require(seed[id]).json))
            }
        }
    }

    @Test func emptyStore() async throws {
        try await withStore { db, _ in
            #expect(try await db.exportDocuments().isEmpty)
            let (docs, total) = try await db.list(RecordFilter())
            #expect(docs.isEmpty && total == 0)
            let stats = try await db.statistics()
            #expect(stats.counts == [.event: 0, .agreement: 0])
            #expect(stats.deleted == 0 && stats.pendingChanges == 0)
        }
    }
}
