import Foundation
import GRDB
import RelModel
import Testing

@testable import RelStore

/// A store written by an earlier build, kept in `Fixtures/` (its README says which commit wrote
/// each and how), with what that build left in it.
struct OldStore: Sendable, CustomTestStringConvertible {
    /// The file's name in `Fixtures/`.
    let name: String
    /// The migrations its build had run.
    let migrations: [String]
    /// Whether its `v1` created `records_by_kind` (builds after `v1` was edited to add it).
    let hasKindIndex: Bool
    /// Changes of its node not pushed to a feed.
    let pending: Int
    /// Open conflicts' losing versions (a field with three concurrent values has two).
    let conflicts: Int
    /// Whether it is relhub's store, which merges without record rows (`materialize: false`):
    /// no documents, no search index entries, and `node_owners` bound by pushes.
    var hub = false
    /// Record rows, tombstones included.
    var records = 7
    /// Live records of each kind.
    var counts: [RecordKind: Int] = [.event: 4, .agreement: 2]
    /// Tombstones.
    var deleted = 1
    /// The feed it follows, as reld keeps it in `meta` (its position is read by this URL).
    var feedURL: String?
    /// Whether `OldStoreContentTests` compares it with a golden file beside it.
    var fingerprinted = false

    /// Every migration up to `v8-search-deferred`, in the order `grdb_migrations` sorts them.
    private static let throughV8 = [
        "v1", "v2-merge", "v3-nfc", "v4-node-owners", "v5-records-by-kind", "v6-search", "v7-node-names", "v8-search-deferred",
    ]

    static let all = [
        OldStore(name: "v1-8f0ae02.sqlite", migrations: ["v1"], hasKindIndex: false, pending: 116, conflicts: 0),
        OldStore(name: "v1-8fd35c4.sqlite", migrations: ["v1"], hasKindIndex: true, pending: 116, conflicts: 0),
        OldStore(name: "v2-4124c55.sqlite", migrations: ["v1", "v2-merge"], hasKindIndex: true, pending: 3, conflicts: 1),
        OldStore(
            name: "v8-913ca09.sqlite", migrations: throughV8, hasKindIndex: true, pending: 3, conflicts: 4,
            records: 14, counts: [.event: 9, .agreement: 3], deleted: 2, feedURL: "https://hub.example.org", fingerprinted: true),
        OldStore(
            name: "v8-913ca09-hub.sqlite", migrations: throughV8, hasKindIndex: true, pending: 0, conflicts: 4, hub: true,
            records: 0, counts: [.event: 0, .agreement: 0], deleted: 0, fingerprinted: true),
    ]

    /// The SHA-256 of each relhub token that pushed to the v8 hub (`relhub-fixture-token-ana`,
    /// `-ben`, `-chloe`), by node name, as `drivers/v8.swift` gives them.
    static let hubTokens = [
        "ana@field-laptop": "c3d153e62dbdf247aec2866f808eccef569437c0bceef67debf88d6ec69e7e4d",
        "Bénédicte@bamako": "d3954c9773ed04da6ac85d416d996e1174c016684ffdbb67f143ccdea305efc3",
        "chloe@desk": "1ad554832f0368a2fecc60e78ad006a22ed02bcb95d2c3267c9fc051141889ac",
    ]

    var testDescription: String { name }

    var url: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    /// The golden file of ``fingerprinted`` stores: `NAME.expected.json` beside the store.
    var goldenURL: URL {
        url.deletingPathExtension().appendingPathExtension("expected.json")
    }

    /// Runs `body` on a copy of the file (as `reld.sqlite`) in a new temporary directory, removed afterwards.
    func withCopy<T>(_ body: (_ path: String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reld-old-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/reld.sqlite"
        try FileManager.default.copyItem(atPath: url.path, toPath: path)
        return try await body(path)
    }
}

/// What a store holds, read with SQL alone: what an upgrade must keep.
struct StoreContents: Equatable {
    var nodeID: String
    /// Each record's document (in NFC, as parsing gives it) and whether it is deleted, by id.
    var records: [String: RecordState]
    /// The change log in order: who, which number, when, what.
    var changes: [String]
    /// Open conflicts' losing versions.
    var conflicts: [String]

    struct RecordState: Equatable {
        var document: JSONValue
        var deleted: Bool
    }

    /// Reads a store as its build wrote it, opened read-only, so the file is left as it is.
    static func read(path: String) throws -> (contents: StoreContents, migrations: [String], indexes: [String]) {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            var records: [String: RecordState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, doc, deleted FROM records") {
                records[row["id"]] = RecordState(document: unordered(try JSONValue.parse(row["doc"] as String)), deleted: row["deleted"])
            }
            let changeRows = try Row.fetchAll(db, sql: "SELECT node, node_seq, hlc, record_id, field, value FROM changes ORDER BY seq")
            let changes = try changeRows.map { row in
                line(row["node"], row["node_seq"], row["hlc"], row["record_id"], row["field"], try JSONValue.parse(row["value"] as String))
            }
            var conflicts: [String] = []
            if try db.tableExists("conflicts") {
                // Until v9 a conflict kept its value; from v9 on it points at its change.
                let sql =
                    try db.columns(in: "conflicts").contains { $0.name == "value" }
                    ? "SELECT record_id, field, hlc, node, value FROM conflicts"
                    : "SELECT k.record_id, k.field, k.hlc, k.node, c.value FROM conflicts k JOIN changes c ON c.seq = k.seq"
                let rows = try Row.fetchAll(db, sql: sql)
                conflicts = try rows.map { row in
                    conflictLine(row["record_id"], row["field"], row["hlc"], row["node"], try JSONValue.parse(row["value"] as String))
                }.sorted()
            }
            let contents = StoreContents(
                nodeID: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'node_id'") ?? "",
                records: records, changes: changes, conflicts: conflicts)
            let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            return (contents, migrations, indexes)
        }
    }

    /// The same, read through the store's API.
    static func read(_ store: AppDatabase, ids: some Sequence<String>) async throws -> StoreContents {
        var records: [String: RecordState] = [:]
        for id in ids {
            let (record, deleted) = try await store.recordOrTombstone(id: id)
            records[id] = RecordState(document: unordered(record.json), deleted: deleted)
        }
        let changes = try await store.changes(limit: 1_000_000).map {
            line($0.node, $0.nodeSeq, $0.hlc.rawValue, $0.recordID, $0.field, $0.value)
        }
        let conflicts = try await store.conflicts().flatMap { conflict in
            conflict.losers.map { conflictLine(conflict.recordID, conflict.field, $0.stamp.hlc.rawValue, $0.stamp.node, $0.value) }
        }
        return StoreContents(nodeID: store.nodeID, records: records, changes: changes, conflicts: conflicts.sorted())
    }

    private static func conflictLine(_ id: String, _ field: String, _ hlc: Int64, _ node: String, _ value: JSONValue) -> String {
        "\(id).\(field) lost: \(hlc)@\(node) \(JSONText.compact(value))"
    }

    private static func line(_ node: String, _ nodeSeq: Int64, _ hlc: Int64, _ id: String, _ field: String, _ value: JSONValue) -> String {
        "\(node)#\(nodeSeq) \(hlc) \(id).\(field) = \(JSONText.compact(value))"
    }
}

/// The schema as SQLite keeps it: every table and index with its SQL, each table's columns and
/// each index's columns, in name order. Root pages and the order objects were created in are
/// left out: they differ between a store migrated step by step and a new one.
func schema(_ db: Database) throws -> [String] {
    var lines: [String] = []
    for row in try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name") {
        let (type, name): (String, String) = (row["type"], row["name"])
        lines.append("\(type) \(name) on \(row["tbl_name"] as String): \((row["sql"] as String?) ?? "(made by SQLite)")")
        let pragma = type == "table" ? "pragma_table_xinfo" : "pragma_index_xinfo"
        for column in try Row.fetchAll(db, sql: "SELECT * FROM \(pragma)(?)", arguments: [name]) {
            lines.append("  \(name) column: \(column.columnNames.map { "\($0)=\(column[$0] as DatabaseValue)" }.joined(separator: " "))")
        }
    }
    return lines
}
