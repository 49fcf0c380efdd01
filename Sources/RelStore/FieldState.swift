import GRDB
import RelModel

/// The per-field merge state in SQL: the change log, each field's value (`winners`), the
/// versions known to be replaced (`superseded`) and the concurrent losers (`conflicts`).
///
/// The log holds the only copy of each value: `winners` and `conflicts` point at log rows by
/// their `seq`. The decisions are ``MergeRules``'; this type only reads and writes the tables
/// they concern.
enum FieldState {
    /// The field's current value, if it has one.
    static func winner(_ db: Database, _ recordID: String, _ field: String) throws -> FieldVersionRow? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT c.hlc, c.node, c.value, c.seq FROM winners w JOIN changes c ON c.seq = w.seq
                        WHERE w.record_id = ? AND w.field = ?
                        """), arguments: [recordID, field])
        else { return nil }
        return FieldVersionRow(stamp: Stamp(hlc: HLCTimestamp(rawValue: row[0]), node: row[1]), value: row[2], seq: row[3])
    }

    /// Whether any field of the record has a value.
    static func hasAnyWinner(_ db: Database, _ recordID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM winners WHERE record_id = ? LIMIT 1"), arguments: [recordID]) ?? false
    }

    /// Every version of the field nobody has replaced: its value and its conflicts.
    static func heads(_ db: Database, _ recordID: String, _ field: String) throws -> [Stamp] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT c.hlc, c.node FROM winners w JOIN changes c ON c.seq = w.seq WHERE w.record_id = ? AND w.field = ?
                    UNION SELECT hlc, node FROM conflicts WHERE record_id = ? AND field = ?
                    """), arguments: [recordID, field, recordID, field]
        ).map { Stamp(hlc: HLCTimestamp(rawValue: $0[0]), node: $0[1]) }
    }

    /// Appends `change` (its value serialised once by the caller, as `value`) to the log and
    /// records the versions it replaces, unless the log has its node and number already; then
    /// nothing is written and the logged entry is returned, for the caller to tell the same
    /// change delivered again from a reused number.
    static func append(_ db: Database, _ change: Change, value: String) throws -> AppendResult {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO changes (record_id, field, value, hlc, node, node_seq, bases) VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            change.recordID, change.field, value, change.hlc.rawValue,
            change.node, change.nodeSeq, change.bases.isEmpty ? "[]" : JSONText.compact(.array(change.bases.map(\.json))),
        ])
        guard db.changesCount > 0 else {
            // Only the unique (node, node_seq) index keeps a valid row out, so that row is there.
            guard let logged = try logged(db, node: change.node, nodeSeq: change.nodeSeq) else {
                throw StoreError.internal(reason: "change \(change.node)/\(change.nodeSeq) was neither logged nor found in the log")
            }
            return .present(logged)
        }
        let seq = db.lastInsertedRowID
        for base in change.bases {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO superseded (record_id, field, hlc, node) VALUES (?, ?, ?, ?)")
                .execute(arguments: [change.recordID, change.field, base.hlc.rawValue, base.node])
            try db.cachedStatement(sql: "DELETE FROM conflicts WHERE record_id = ? AND field = ? AND hlc = ? AND node = ?")
                .execute(arguments: [change.recordID, change.field, base.hlc.rawValue, base.node])
        }
        return .appended(seq: seq)
    }

    /// What the log holds under `node` and `nodeSeq`.
    static func logged(_ db: Database, node: String, nodeSeq: Int64) throws -> LoggedNumber? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT hlc, record_id, field FROM changes WHERE node = ? AND node_seq = ?"),
                arguments: [node, nodeSeq])
        else { return nil }
        return LoggedNumber(hlc: HLCTimestamp(rawValue: row[0]), recordID: row[1], field: row[2])
    }

    /// Whether the log has a change numbered `nodeSeq` by `node`, whatever its content.
    static func hasNumber(_ db: Database, node: String, nodeSeq: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM changes WHERE node = ? AND node_seq = ?"),
            arguments: [node, nodeSeq]) ?? false
    }

    /// Whether a known change lists `stamp` among the versions it replaced.
    static func isSuperseded(_ db: Database, _ recordID: String, _ field: String, _ stamp: Stamp) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT 1 FROM superseded WHERE record_id = ? AND field = ? AND hlc = ? AND node = ?
                    """), arguments: [recordID, field, stamp.hlc.rawValue, stamp.node]) ?? false
    }

    /// Makes the logged change at `seq` the value of its record's `field`.
    static func setWinner(_ db: Database, _ recordID: String, _ field: String, seq: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO winners (record_id, field, seq) VALUES (?, ?, ?)
                ON CONFLICT (record_id, field) DO UPDATE SET seq = excluded.seq
                """
        ).execute(arguments: [recordID, field, seq])
    }

    /// Keeps a version that lost as one of the field's conflicts.
    static func addConflict(_ db: Database, _ recordID: String, _ field: String, _ version: FieldVersionRow) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO conflicts (record_id, field, hlc, node, seq) VALUES (?, ?, ?, ?, ?)
                """
        ).execute(arguments: [recordID, field, version.stamp.hlc.rawValue, version.stamp.node, version.seq])
    }

    /// Reads a change-log row selected as `record_id, field, value, hlc, node, node_seq, bases`.
    static func change(_ row: Row) throws -> Change {
        try LogRow(seq: 0, recordID: row[0], field: row[1], value: row[2], hlc: row[3], node: row[4], nodeSeq: row[5], bases: row[6])
            .change()
    }
}
