import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// Stored text is NFC whatever form it came in (typed, imported, pulled from a feed, or left by
/// an earlier version), so SQL's byte comparisons find it whichever way a query is typed, and
/// replicas hold the same bytes.
@Suite struct UnicodeStoreTests {
    static let composed = "Visite \u{E0} S\u{E9}gou"
    static let decomposed = "Visite a\u{300} Se\u{301}gou"

    static func bytes(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    func search(_ db: AppDatabase, text: String? = nil, party: String? = nil) async throws -> [String] {
        var filter = RecordFilter()
        filter.text = text
        filter.parties = party.map { [$0] } ?? []
        return try ids(try await db.list(filter).documents)
    }

    @Test func aSearchTypedEitherWayFindsTextStoredEitherWay() async throws {
        try await withStore { db, _ in
            try await db.create(try event("typed-nfd", date: "2023", title: Self.decomposed, parties: ["ML", "Groupe de Se\u{301}gou"]))
            try await db.create(try event("typed-nfc", date: "2024", title: Self.composed, parties: ["ML", "Groupe de S\u{E9}gou"]))
            for text in ["S\u{E9}gou", "Se\u{301}gou", "SE\u{301}GOU", "\u{E0} s\u{E9}"] {
                #expect(try await search(db, text: text) == ["typed-nfd", "typed-nfc"], "\(text.unicodeScalars.map(\.value))")
            }
            for party in ["Groupe de S\u{E9}gou", "Groupe de Se\u{301}gou"] {
                #expect(try await search(db, party: party) == ["typed-nfd", "typed-nfc"])
            }
            let docs = try await db.exportDocuments()
            #expect(Self.bytes(docs) == Self.bytes(docs.map(\.nfc)))
        }
    }

    /// What a replica from before normalisation pushes: the same change, its text decomposed.
    static func decomposedCopy(_ changes: [Change]) -> [Change] {
        changes.map { change in
            var c = change
            if c.field == "title" { c.value = .string(decomposed) }
            return c
        }
    }

    @Test func changesPulledInEitherFormEndAsTheSameBytes() async throws {
        try await withStore { origin, _ in
            try await origin.create(try event("r1", date: "2023", title: Self.composed))
            let changes = try await origin.changes()
            var results: [(docs: [String], log: [String], page: String)] = []
            for batch in [changes, Self.decomposedCopy(changes)] {
                try await withStore { replica, _ in
                    _ = try await replica.applyRemote(batch)
                    results.append(
                        (
                            try await replica.exportDocuments(),
                            try await replica.changes().map { JSONText.compact($0.value) },
                            try await replica.feedPageText(since: 0, limit: 100).text
                        ))
                }
            }
            #expect(Self.bytes(results[0].docs) == Self.bytes(results[1].docs))
            #expect(Self.bytes(results[0].log) == Self.bytes(results[1].log))
            // Each store names its own feed: compare from the changes on.
            let changesPart = results.map { $0.page.utf8.drop { $0 != UInt8(ascii: "[") } }
            #expect(Array(changesPart[0]) == Array(changesPart[1]))
            #expect(results[1].docs.first?.utf8.contains(0xCC) == false)
        }
    }

    @Test func aStoreWrittenBeforeNormalisationIsRewrittenInNFC() async throws {
        try await withStore { _, dir in
            let path = dir + "/old.sqlite"
            // A store as an earlier version left it: text stored as typed, decomposed, in the
            // record row, the change log, the field values and an open conflict.
            do {
                let db = try AppDatabase(path: path)
                try await db.create(try event("r1", date: "2023", title: Self.composed, parties: ["ML", "Groupe de S\u{E9}gou"]))
                try await db.close()
            }
            let pool = try DatabasePool(path: path)
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-nfc'")
                try db.execute(
                    sql: """
                        INSERT INTO conflicts (record_id, field, hlc, node, value)
                        SELECT record_id, field, hlc - 1, 'other-node', value FROM field_stamps WHERE field = 'title'
                        """)
                for (table, column) in [
                    ("records", "doc"), ("records", "title"), ("records", "parties"), ("records", "search"),
                    ("changes", "value"), ("field_stamps", "value"), ("conflicts", "value"),
                ] {
                    try db.execute(
                        sql: "UPDATE \(table) SET \(column) = replace(replace(\(column), ?, ?), ?, ?)",
                        arguments: ["\u{E9}", "e\u{301}", "\u{E0}", "a\u{300}"])
                }
                let decomposedRows = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM records WHERE instr(doc, ?) > 0",
                    arguments: ["e\u{301}"])
                #expect(decomposedRows == 1)
            }
            try pool.close()

            let db = try AppDatabase(path: path)
            #expect(try await search(db, text: "S\u{E9}gou") == ["r1"])
            #expect(try await search(db, text: "Se\u{301}gou") == ["r1"])
            #expect(try await search(db, party: "Groupe de S\u{E9}gou") == ["r1"])
            let record = try await db.record(id: "r1")
            #expect(Array(record.title.utf8) == Array(Self.composed.utf8))
            let left = try await db.writer.read { db in
                try ["records": "doc || title || parties || search", "changes": "value", "field_stamps": "value", "conflicts": "value"]
                    .map { table, columns in
                        try Int.fetchOne(
                            db, sql: "SELECT count(*) FROM \(table) WHERE instr(\(columns), ?) > 0 OR instr(\(columns), ?) > 0",
                            arguments: ["\u{301}", "\u{300}"]) ?? -1
                    }
            }
            #expect(left == [0, 0, 0, 0])
            // The row is what its fields make, byte for byte, as a merge would rebuild it.
            let doc = try #require(try await db.exportDocuments().first)
            #expect(Array(doc.utf8) == Array(JSONText.compact(record.json).utf8))
            let conflictValues = try await db.writer.read { db in try String.fetchAll(db, sql: "SELECT value FROM conflicts") }
            #expect(Self.bytes(conflictValues) == Self.bytes([JSONText.quoted(Self.composed)]))
            try await db.close()
        }
    }
}
