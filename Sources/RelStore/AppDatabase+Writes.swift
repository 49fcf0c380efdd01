import GRDB
import OrderedCollections
import RelModel

extension AppDatabase {
    /// Stores a new record; fails with ``StoreError/alreadyExists(id:)`` if the id is taken, or
    /// ``StoreError/deleted(id:)`` if a deleted record holds it (restore that one instead).
    public func create(_ record: Record) async throws {
        try await write { db in
            if let existing = try self.stored(db, id: record.id) {
                throw existing.deleted ? StoreError.deleted(id: record.id) : StoreError.alreadyExists(id: record.id)
            }
            var log = ChangeWriter(db: db, node: self.nodeID)
            try self.insertNew(record, log: &log, hlc: self.tick())
        }
    }

    /// Applies `edits` (field names or dotted paths to values) to a record and returns the result.
    /// `additions` and `removals` change items of list fields: they are worked out here, inside the
    /// write, from the list as stored, so that edits of other items made meanwhile are kept.
    /// Only fields whose values change are written and logged.
    public func update(
        id: String, edits: OrderedDictionary<String, JSONValue>,
        additions: OrderedDictionary<String, [JSONValue]> = [:],
        removals: OrderedDictionary<String, [JSONValue]> = [:]
    ) async throws -> Record {
        try await write { db in
            let current = try self.live(db, id: id)
            var edits = edits
            for field in OrderedSet(removals.keys).union(additions.keys) {
                guard edits[field] == nil else {
                    throw ValidationError(
                        field: field, value: nil, reason: "is both set as a whole and changed item by item; give one of them")
                }
                var items: [JSONValue]
                switch current.record.fields[field] {
                case .array(let list)?: items = list
                // A null list, or a field of the other kind (refused below as unknown).
                case .null?, nil: items = []
                default:
                    throw ValidationError(
                        field: field, value: nil, reason: "is not a list; items can be added to and removed from lists only")
                }
                items = try Self.listEdit(items, removing: removals[field] ?? [], adding: additions[field] ?? []) { item in
                    StoreError.notInList(id: id, field: field, item: JSONText.compact(item))
                }
                edits[field] = .array(items)
            }
            let updated = try RecordValidator.applying(edits, to: current.record)
            let changed = updated.changedFields(from: current.record)
            guard !changed.isEmpty else { return updated }
            let hlc = self.tick()
            var log = ChangeWriter(db: db, node: self.nodeID)
            for field in changed { try log.append(id, field, updated.fields[field]!, hlc) }
            try self.save(db, updated, deleted: false, createdHLC: current.createdHLC, updatedHLC: hlc)
            return updated
        }
    }

    /// `items` less one occurrence of each of `removals` (each must be there, else `missing`
    /// names it), plus each of `additions` not there already, in order. Linear: counted by hash,
    /// not searched item by item, as a list may be long.
    static func listEdit(
        _ items: [JSONValue], removing removals: [JSONValue], adding additions: [JSONValue],
        missing: (JSONValue) -> StoreError
    ) throws -> [JSONValue] {
        var toRemove: [JSONValue: Int] = [:]
        for item in removals { toRemove[item, default: 0] += 1 }
        var present: [JSONValue: Int] = [:]
        for item in items where toRemove[item] != nil { present[item, default: 0] += 1 }
        // The first removal that finds too few copies is the one a search would have failed on.
        var asked: [JSONValue: Int] = [:]
        for item in removals {
            asked[item, default: 0] += 1
            if asked[item]! > present[item, default: 0] { throw missing(item) }
        }
        var out: [JSONValue] = []
        out.reserveCapacity(items.count + additions.count)
        for item in items {
            if let n = toRemove[item], n > 0 {
                toRemove[item] = n - 1
                continue
            }
            out.append(item)
        }
        var kept = Set(out)
        for item in additions where kept.insert(item).inserted { out.append(item) }
        return out
    }

    /// Deletes a record, keeping a tombstone (and its last values) so the deletion can sync.
    public func delete(id: String) async throws {
        try await write { db in
            let current = try self.live(db, id: id)
            let hlc = self.tick()
            var log = ChangeWriter(db: db, node: self.nodeID)
            try log.append(id, Change.deletedField, .bool(true), hlc)
            try self.save(db, current.record, deleted: true, createdHLC: current.createdHLC, updatedHLC: hlc)
        }
    }

    func insertNew(_ record: Record, log: inout ChangeWriter, hlc: HLCTimestamp) throws {
        // A record new here seldom has a field already (only one pulled in part has): one probe
        // then spares a lookup of the value each field replaces.
        let unknown = try !FieldState.hasAnyWinner(log.db, record.id)
        try log.append(record.id, Change.kindField, .string(record.kind.rawValue), hlc, unknown: unknown)
        for (field, value) in record.fields { try log.append(record.id, field, value, hlc, unknown: unknown) }
        try save(log.db, record, deleted: false, createdHLC: hlc, updatedHLC: hlc)
    }

    /// Writes the current state of a record (the row that queries read). Triggers on `records`
    /// update the search index in the same statement (see `createTextSearch`).
    func save(_ db: Database, _ record: Record, deleted: Bool, createdHLC: HLCTimestamp, updatedHLC: HLCTimestamp) throws {
        let date = record.date
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO records (id, kind, doc, title, category, date_lo, date_hi, parties, deleted, created_hlc, updated_hlc)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    doc = excluded.doc, title = excluded.title, category = excluded.category,
                    date_lo = excluded.date_lo, date_hi = excluded.date_hi, parties = excluded.parties,
                    deleted = excluded.deleted, updated_hlc = excluded.updated_hlc
                """)
        try statement.execute(arguments: [
            record.id, record.kind.rawValue, JSONText.compact(record.json), record.title, record.category,
            date.lowerBound, date.upperBound, JSONText.compact(record.fields["parties"] ?? []),
            deleted, createdHLC.rawValue, updatedHLC.rawValue,
        ])
    }
}

/// Appends this node's changes to the change log, numbering them, and makes each the value of its
/// field, replacing (as its base) the version that was the value until now.
struct ChangeWriter {
    let db: Database
    let node: String
    private var nextSeq: Int64?

    init(db: Database, node: String) {
        self.db = db
        self.node = node
    }

    /// Writes a change that replaces the field's current value (an edit); `unknown` says the
    /// record has no field yet, so there is no value to look up.
    mutating func append(_ recordID: String, _ field: String, _ value: JSONValue, _ hlc: HLCTimestamp, unknown: Bool = false) throws {
        let replaced = unknown ? nil : try FieldState.winner(db, recordID, field)
        try write(recordID, field, value, hlc, bases: replaced.map { [$0.stamp] } ?? [])
    }

    /// Writes a change that replaces every version of a field, the value and its conflicts alike:
    /// logging it with all heads as bases is what closes the conflicts (here and where it syncs).
    mutating func appendResolving(_ recordID: String, _ field: String, _ value: JSONValue, _ hlc: HLCTimestamp) throws {
        try write(recordID, field, value, hlc, bases: FieldState.heads(db, recordID, field))
    }

    /// The number after `seq`, or an error once the wire's bound (or `Int64`) is reached: a log
    /// holding such a number came from a faulty store, and trapping would stop reld for good.
    private func after(_ seq: Int64) throws -> Int64 {
        let (next, overflow) = seq.addingReportingOverflow(1)
        guard !overflow, next <= Change.maxNodeSeq else { throw StoreError.sequenceExhausted(node: node) }
        return next
    }

    private mutating func write(_ recordID: String, _ field: String, _ value: JSONValue, _ hlc: HLCTimestamp, bases: [Stamp]) throws {
        let seq = try nextSeq ?? after(Int64.fetchOne(db, sql: "SELECT max(node_seq) FROM changes WHERE node = ?", arguments: [node]) ?? 0)
        nextSeq = try after(seq)
        let change = Change(recordID: recordID, field: field, value: value, hlc: hlc, node: node, nodeSeq: seq, bases: bases)
        let text = JSONText.compact(value)
        guard case .appended(let logged) = try FieldState.append(db, change, value: text) else {
            throw StoreError.reusedSequence(node: node, nodeSeq: seq)
        }
        try FieldState.setWinner(db, recordID, field, seq: logged)
    }
}
