import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// `status` reads how many records there are from counts that triggers keep: they must equal
/// counting the rows after every kind of write.
@Suite struct RecordCountTests {
    /// Whether ``AppDatabase/statistics()`` says what counting the rows says.
    static func countsMatchTheRows(_ db: AppDatabase) async throws -> Bool {
        let stats = try await db.statistics()
        let rows = try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, deleted, count(*) AS n FROM records GROUP BY kind, deleted")
                .map { "\($0["kind"] as String) \($0["deleted"] as Int) \($0["n"] as Int)" }.sorted()
        }
        var kept: [String] = []
        for kind in RecordKind.allCases where stats.counts[kind, default: 0] > 0 {
            kept.append("\(kind.rawValue) 0 \(stats.counts[kind]!)")
        }
        let deleted = rows.filter { $0.contains(" 1 ") }.compactMap { Int($0.split(separator: " ")[2]) }.reduce(0, +)
        return kept.sorted() == rows.filter { $0.contains(" 0 ") } && deleted == stats.deleted
    }

    @Test func countsFollowEveryWrite() async throws {
        try await withStore { db, _ in
            #expect(try await Self.countsMatchTheRows(db))
            try await db.create(try event("e1", date: "2023"))
            try await db.create(try event("e2", date: "2024"))
            _ = try await db.importRecords([try event("e3", date: "2021"), try event("e1", date: "2023", title: "Edited")])
            #expect(try await db.statistics().counts[.event] == 3)
            try await db.delete(id: "e2")
            #expect(try await db.statistics().deleted == 1)
            #expect(try await Self.countsMatchTheRows(db))
            _ = try await db.restore(id: "e2")
            _ = try await db.update(id: "e3", edits: ["title": "Again"])
            let restored = try await db.statistics()
            #expect(restored.counts[.event] == 3 && restored.deleted == 0)
            #expect(try await Self.countsMatchTheRows(db))
            // Merged from elsewhere: a record that arrives whole, then its deletion.
            let other = "other-node"
            let record = try event("m1", date: "2020")
            let hlc = HLCTimestamp(rawValue: 1 << 40)
            var changes = [Change(recordID: "m1", field: Change.kindField, value: "event", hlc: hlc, node: other, nodeSeq: 1, bases: [])]
            for (i, (field, value)) in record.fields.enumerated() {
                changes.append(Change(recordID: "m1", field: field, value: value, hlc: hlc, node: other, nodeSeq: Int64(i + 2), bases: []))
            }
            _ = try await db.applyRemote(changes)
            #expect(try await db.statistics().counts[.event] == 4)
            _ = try await db.applyRemote([
                Change(
                    recordID: "m1", field: Change.deletedField, value: true, hlc: .init(rawValue: (1 << 40) + 1), node: other,
                    nodeSeq: Int64(changes.count + 1), bases: [])
            ])
            let merged = try await db.statistics()
            #expect(merged.counts[.event] == 3 && merged.deleted == 1)
            #expect(try await Self.countsMatchTheRows(db))
        }
    }
}
