import Foundation
import GRDB
import RelModel

/// A record as stored, with its tombstone flag and clock stamps.
struct StoredRecord {
    var record: Record
    var deleted: Bool
    var createdHLC: HLCTimestamp
}

/// Which records `list` returns.
public struct RecordFilter: Sendable, Equatable {
    /// Only this kind.
    public var kind: RecordKind?
    /// Only this category.
    public var category: String?
    /// Records that involve every one of these parties.
    public var parties: [String] = []
    /// Records whose date span reaches this date or later.
    public var since: PartialDate?
    /// Records whose date span starts on or before this date.
    public var until: PartialDate?
    /// Words to find, in this order, in the full-text index (title, notes, tags, actors, parties,
    /// place, source), the last one possibly cut short; case and diacritics do not matter.
    public var text: String?
    /// At most this many records.
    public var limit = 1000
    /// Skip this many first.
    public var offset = 0

    /// A filter that matches everything, up to the default limit.
    public init() {}
}

/// Figures about the store, for `relctl status`.
public struct StoreStatistics: Sendable, Equatable {
    /// Live records of each kind.
    public var counts: [RecordKind: Int]
    /// Deleted records (tombstones).
    public var deleted: Int
    /// Changes made here and not yet pushed to a feed.
    public var pendingChanges: Int
    /// Size of the database file and its write-ahead log, in bytes.
    public var sizeBytes: Int64
}

extension AppDatabase {
    func stored(_ db: Database, id: String) throws -> StoredRecord? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT doc, deleted, created_hlc FROM records WHERE id = ?"), arguments: [id])
        else { return nil }
        return StoredRecord(
            record: try Self.decode(row["doc"]), deleted: row["deleted"],
            createdHLC: HLCTimestamp(rawValue: row["created_hlc"]))
    }

    /// The stored record with this id if it is live; otherwise says whether it is unknown or deleted.
    func live(_ db: Database, id: String) throws -> StoredRecord {
        guard let s = try stored(db, id: id) else { throw StoreError.notFound(id: id) }
        guard !s.deleted else { throw StoreError.deleted(id: id) }
        return s
    }

    /// Stored documents were checked when written; merged ones may break a rule that ties two
    /// fields together (see ``RecordValidator/merged(id:kind:fields:)``), so only fields are checked.
    static func decode(_ doc: String) throws -> Record {
        let json = try JSONValue.parse(doc)
        guard var fields = json.objectValue, case .string(let id)? = fields.removeValue(forKey: "id"),
            let kind = fields.removeValue(forKey: "kind")?.stringValue.flatMap(RecordKind.init(rawValue:))
        else { throw StoreError.damaged(path: "records", reason: "a stored record has no id or kind") }
        return try RecordValidator.merged(id: id, kind: kind, fields: fields)
    }

    /// The live record with this id.
    public func record(id: String) async throws -> Record {
        try await read { db in
            try self.live(db, id: id).record
        }
    }

    /// The record with this id, live or deleted (its tombstone keeps the last values), and whether it is deleted.
    public func recordOrTombstone(id: String) async throws -> (record: Record, deleted: Bool) {
        try await read { db in
            guard let s = try self.stored(db, id: id) else { throw StoreError.notFound(id: id) }
            return (s.record, s.deleted)
        }
    }

    /// Records matching `filter`, sorted by date (unknown dates last), as canonical JSON texts,
    /// with the number that match in all.
    public func list(_ filter: RecordFilter) async throws -> (documents: [String], total: Int) {
        var (conditions, arguments) = Self.conditions(filter)
        conditions.insert("deleted = 0", at: 0)
        if let text = filter.text?.nfc, !text.isEmpty {
            // One meaning of "find": the search index, the text as a phrase whose last word may
            // be cut short, so `--text "tin zaou"` finds "Tin Zaouatine" (see SearchExpression).
            conditions.append("records.rid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
            arguments += ["\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"]
        }
        let whereClause = conditions.joined(separator: " AND ")
        let filterArguments = arguments
        let pageArguments = arguments + [filter.limit, filter.offset]
        return try await read { db in
            let docs = try String.fetchAll(
                db,
                sql: """
                    SELECT doc FROM records WHERE \(whereClause)
                    ORDER BY date_lo IS NULL, date_lo, date_hi, id LIMIT ? OFFSET ?
                    """, arguments: pageArguments)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE \(whereClause)", arguments: filterArguments) ?? 0
            return (docs, total)
        }
    }

    /// The SQL conditions of `filter`'s kind, category, parties and dates, on `records`.
    static func conditions(_ filter: RecordFilter) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let kind = filter.kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
        }
        if let category = filter.category {
            conditions.append("category = ?")
            arguments += [category]
        }
        for party in filter.parties {
            conditions.append("EXISTS (SELECT 1 FROM json_each(records.parties) WHERE value = ?)")
            arguments += [party.nfc]  // stored text is NFC: compare like with like
        }
        if let since = filter.since {
            conditions.append("date_hi >= ?")
            arguments += [since.earliest]
        }
        if let until = filter.until {
            conditions.append("date_lo <= ?")
            arguments += [until.latest]
        }
        return (conditions, arguments)
    }

    /// Every live record as canonical JSON text, sorted by id.
    public func exportDocuments() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT doc FROM records WHERE deleted = 0 ORDER BY id")
        }
    }

    /// Counts and sizes for `status`.
    public func statistics() async throws -> StoreStatistics {
        let (counts, deleted, pending) = try await read { db in
            var counts: [RecordKind: Int] = [:]
            for kind in RecordKind.allCases { counts[kind] = 0 }
            var deleted = 0
            // Kept by triggers (`v10-record-counts`): O(1), where counting grew with the store.
            for row in try Row.fetchAll(db, sql: "SELECT kind, deleted, n FROM record_counts") {
                if row["deleted"] as Bool {
                    deleted += row["n"] as Int
                } else if let kind = RecordKind(rawValue: row["kind"]) {
                    counts[kind] = row["n"]
                }
            }
            let pushed = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'pushed_seq'") ?? 0
            // This node numbers its changes 1, 2, 3... with no gaps, so no need to count rows.
            let last = try Int64.fetchOne(db, sql: "SELECT max(node_seq) FROM changes WHERE node = ?", arguments: [self.nodeID]) ?? 0
            let (behind, overflow) = last.subtractingReportingOverflow(pushed)
            let pending = overflow ? 0 : Int(max(0, behind))
            return (counts, deleted, pending)
        }
        var size: Int64 = 0
        for suffix in ["", "-wal"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            size += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return StoreStatistics(counts: counts, deleted: deleted, pendingChanges: pending, sizeBytes: size)
    }

    /// The change log, oldest first (for tests and, later, for sync).
    public func changes(after seq: Int64 = 0, limit: Int = 10_000) async throws -> [Change] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT record_id, field, value, hlc, node, node_seq, bases FROM changes WHERE seq > ? ORDER BY seq LIMIT ?
                    """, arguments: [seq, limit]
            ).map(FieldState.change)
        }
    }
}

extension AppDatabase {
    /// Runs SQLite's `PRAGMA quick_check` on a reader connection, so writes go on meanwhile, and
    /// returns what it found wrong: empty when the file is sound. It reads every page, about
    /// 1 s per 100,000 records; cancelling the task interrupts it.
    public func quickCheck() async throws -> [String] {
        let lines = try await read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard lines != ["ok"] else { return [] }
        // SQLite may put several findings in one row, under a "*** in database main ***" heading.
        return lines.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("*** in database") }
    }
}
