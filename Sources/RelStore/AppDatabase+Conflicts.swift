import GRDB
import OrderedCollections
import RelModel

/// A field edited concurrently on several nodes to different values: the value every replica
/// now shows, and the versions that lost, kept until someone resolves the conflict.
public struct FieldConflict: Sendable, Equatable {
    /// The record.
    public var recordID: String
    /// The record's title, to recognise it by.
    public var title: String
    /// The field.
    public var field: String
    /// The value that won (the greatest stamp).
    public var current: FieldVersion
    /// The concurrent values that lost, oldest first.
    public var losers: [FieldVersion]
}

/// Which value `resolve` keeps.
public enum ResolveChoice: Sendable, Equatable {
    /// The version written on this node.
    case local
    /// The version written on another node (there must be exactly one such value).
    case remote
    /// A value given by the person resolving.
    case value(JSONValue)
}

extension AppDatabase {
    /// Open conflicts, by record and field; `recordID` narrows to one record.
    public func conflicts(recordID: String? = nil) async throws -> [FieldConflict] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT k.record_id, k.field, c.value, c.hlc, c.node, v.value, v.hlc, v.node, coalesce(r.title, '')
                    FROM conflicts k JOIN changes c ON c.seq = k.seq
                    JOIN winners w ON w.record_id = k.record_id AND w.field = k.field JOIN changes v ON v.seq = w.seq
                    LEFT JOIN records r ON r.id = k.record_id
                    WHERE c.value != v.value AND (?1 IS NULL OR k.record_id = ?1)
                    ORDER BY k.record_id, k.field, k.hlc, k.node
                    """, arguments: [recordID])
            var out: [FieldConflict] = []
            for row in rows {
                let loser = FieldVersion(
                    value: try JSONValue.parse(row[2] as String),
                    stamp: Stamp(hlc: HLCTimestamp(rawValue: row[3]), node: row[4]))
                if let last = out.last, last.recordID == row[0] as String, last.field == row[1] as String {
                    out[out.count - 1].losers.append(loser)
                    continue
                }
                out.append(
                    FieldConflict(
                        recordID: row[0], title: row[8], field: row[1],
                        current: FieldVersion(
                            value: try JSONValue.parse(row[5] as String),
                            stamp: Stamp(hlc: HLCTimestamp(rawValue: row[6]), node: row[7])),
                        losers: [loser]))
            }
            return out
        }
    }

    /// How many fields have open conflicts.
    public func openConflictCount() async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT DISTINCT k.record_id, k.field FROM conflicts k JOIN changes c ON c.seq = k.seq
                    JOIN winners w ON w.record_id = k.record_id AND w.field = k.field JOIN changes v ON v.seq = w.seq
                    WHERE c.value != v.value)
                    """) ?? 0
        }
    }

    /// Closes a field's conflict by writing `choice` as a change that replaces every version of
    /// the field; once synced, it closes the conflict on every replica. Returns the record.
    public func resolve(id: String, field: String, choice: ResolveChoice) async throws -> Record {
        try await write { db in
            // A deleted record says so first: resolving its conflict would change a tombstone.
            if try self.stored(db, id: id)?.deleted == true { throw StoreError.deleted(id: id) }
            guard let conflict = try self.conflictsIn(db, id: id, field: field) else {
                throw StoreError.noConflict(id: id, field: field)
            }
            guard let current = try self.stored(db, id: id) else { throw StoreError.notFound(id: id) }
            let versions = [conflict.current] + conflict.losers
            let value: JSONValue
            switch choice {
            case .value(let v):
                value = v
            case .local:
                guard let mine = versions.filter({ $0.stamp.node == self.nodeID }).max(by: { $0.stamp < $1.stamp }) else {
                    throw StoreError.ambiguousChoice(id: id, field: field, reason: "no version of it was written on this node")
                }
                value = mine.value
            case .remote:
                let theirs = Set(versions.filter { $0.stamp.node != self.nodeID }.map { JSONText.compact($0.value) })
                guard theirs.count == 1, let only = versions.first(where: { $0.stamp.node != self.nodeID }) else {
                    throw StoreError.ambiguousChoice(id: id, field: field, reason: "\(theirs.count) versions come from other nodes")
                }
                value = only.value
            }
            let updated = try RecordValidator.applying([field: value], to: current.record)
            var log = ChangeWriter(db: db, node: self.nodeID)
            try log.appendResolving(id, field, updated.fields[field]!, self.tick())
            try self.rebuild(db, id: id)
            return updated
        }
    }

    /// Brings back a deleted record, with its latest values.
    public func restore(id: String) async throws -> Record {
        try await restoring(id: id).record
    }

    /// Brings back a deleted record, with its latest values, and says whether it was deleted
    /// (a live record is left as it is and nothing is written).
    public func restoring(id: String) async throws -> (record: Record, restored: Bool) {
        try await write { db in
            guard let current = try self.stored(db, id: id) else { throw StoreError.notFound(id: id) }
            guard current.deleted else { return (current.record, false) }
            var log = ChangeWriter(db: db, node: self.nodeID)
            try log.append(id, Change.deletedField, .bool(false), self.tick())
            try self.rebuild(db, id: id)
            return (current.record, true)
        }
    }

    private func conflictsIn(_ db: Database, id: String, field: String) throws -> FieldConflict? {
        let winner = try FieldState.winner(db, id, field)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.value, c.hlc, c.node FROM conflicts k JOIN changes c ON c.seq = k.seq
                WHERE k.record_id = ? AND k.field = ? ORDER BY k.hlc, k.node
                """,
            arguments: [id, field])
        guard let winner else { return nil }
        let losers = try rows.filter { ($0[0] as String) != winner.value }.map {
            FieldVersion(value: try JSONValue.parse($0[0] as String), stamp: Stamp(hlc: HLCTimestamp(rawValue: $0[1]), node: $0[2]))
        }
        guard !losers.isEmpty else { return nil }
        return FieldConflict(
            recordID: id, title: "", field: field,
            current: FieldVersion(value: try JSONValue.parse(winner.value), stamp: winner.stamp), losers: losers)
    }
}
