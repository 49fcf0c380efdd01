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
            // A store as a version before v3 left it: text stored as typed, decomposed, in the
            // record row, the change log, the field values and an open conflict.
            let record = try event("r1", date: "2023", title: Self.composed, parties: ["ML", "Groupe de S\u{E9}gou"])
            let pool = try DatabasePool(path: path)
            try AppDatabase.migrator.migrate(pool, upTo: "v2-merge")
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('node_id', 'old-node')")
                let fields = [(Change.kindField, JSONValue.string("event"))] + record.fields.map { ($0.key, $0.value) }
                for (index, (field, value)) in fields.enumerated() {
                    let text = JSONText.compact(value)
                    try db.execute(
                        sql: "INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES ('r1', ?, ?, 1000, 'old-node', ?)",
                        arguments: [field, text, index + 1])
                    try db.execute(
                        sql: "INSERT INTO field_stamps (record_id, field, hlc, node, value) VALUES ('r1', ?, 1000, 'old-node', ?)",
                        arguments: [field, text])
                }
                try db.execute(
                    sql: """
                        INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES ('r1', 'title', ?, 999, 'other-node', 1);
                        INSERT INTO conflicts (record_id, field, hlc, node, value) VALUES ('r1', 'title', 999, 'other-node', ?);
                        """, arguments: [JSONText.quoted(Self.composed + "!"), JSONText.quoted(Self.composed + "!")])
                try db.execute(
                    sql: """
                        INSERT INTO records (id, kind, doc, title, category, date_lo, date_hi, parties, search, created_hlc, updated_hlc)
                        VALUES ('r1', 'event', ?, ?, 'military', '2023-01-01', '2023-12-31', ?, ?, 1000, 1000)
                        """,
                    arguments: [
                        JSONText.compact(record.json), record.title, JSONText.compact(record.fields["parties"]!), record.title,
                    ])
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
            let stored = try await db.record(id: "r1")
            #expect(Array(stored.title.utf8) == Array(Self.composed.utf8))
            let left = try await db.writer.read { db in
                try ["records": "doc || title || parties", "changes": "value"].sorted(by: { $0.key < $1.key })
                    .map { table, columns in
                        try Int.fetchOne(
                            db, sql: "SELECT count(*) FROM \(table) WHERE instr(\(columns), ?) > 0 OR instr(\(columns), ?) > 0",
                            arguments: ["\u{301}", "\u{300}"]) ?? -1
                    }
            }
            #expect(left == [0, 0])
            // The row is what its fields make, byte for byte, as a merge would rebuild it.
            let doc = try #require(try await db.exportDocuments().first)
            #expect(Array(doc.utf8) == Array(JSONText.compact(stored.json).utf8))
            let open = try await db.conflicts()
            #expect(Self.bytes(open.flatMap(\.losers).compactMap(\.value.stringValue)) == Self.bytes([Self.composed + "!"]))
            #expect(Self.bytes(open.compactMap(\.current.value.stringValue)) == Self.bytes([Self.composed]))
            try await db.close()
        }
    }
}
