import OrderedCollections

/// The story of one record told from its change log: every change, oldest first, with the
/// value it replaced and how concurrent values were settled.
///
/// Everything here is a function of the *set* of changes (each identified by its stamp), never
/// of the order they arrived in, so every replica that has seen the same changes tells the same
/// history. Changes are read in stamp order, which is also the order in which the merge rules
/// let values win (``MergeRules``): the versions of a field that no change so far replaced are its
/// heads, the greatest head is its value, and other heads with a different value are conflicts.
public struct RecordHistory: Sendable {
    /// The record's changes, in stamp order, one per stamp.
    public let changes: [Change]

    /// Takes a record's changes in any order; a field's version seen twice (same stamp) counts once.
    public init(changes: some Sequence<Change>) {
        var byField: [String: Set<Stamp>] = [:]
        var unique: [Change] = []
        for change in changes where byField[change.field, default: []].insert(change.stamp).inserted {
            unique.append(change)
        }
        // One write stamps all its fields alike: those read in the record's own order.
        self.changes = unique.sorted {
            $0.stamp != $1.stamp ? $0.stamp < $1.stamp : (Self.rank($0.field), $0.field) < (Self.rank($1.field), $1.field)
        }
    }

    /// Where a field comes in a record: the kind, the tombstone, then the schema's order
    /// (events' fields, then agreements'); unknown names last.
    static func rank(_ field: String) -> Int { fieldRanks[field] ?? Int.max }

    private static let fieldRanks: [String: Int] = {
        let names =
            [Change.kindField, Change.deletedField]
            + (RecordSchema.common + RecordSchema.eventOnly + RecordSchema.agreementOnly).map(\.name)
        return Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }()

    /// Every change as a history entry, oldest first; `field` narrows it to one field.
    public func entries(field: String? = nil) -> [HistoryEntry] {
        var versions: [String: [Stamp: JSONValue]] = [:]
        for change in changes { versions[change.field, default: [:]][change.stamp] = change.value }
        var heads: [String: OrderedDictionary<Stamp, JSONValue>] = [:]
        var replaced: [String: Set<Stamp>] = [:]
        var out: [HistoryEntry] = []
        for change in changes {
            let name = change.field
            let known = versions[name] ?? [:]
            var fieldHeads = heads[name] ?? [:]
            // Only bases that were heads count as replaced versions here: a snapshot lists every
            // version it knows to be replaced as a base, which is not a resolve.
            var replacedHeads: [FieldVersion] = []
            for base in change.bases {
                if let value = fieldHeads.removeValue(forKey: base) { replacedHeads.append(FieldVersion(value: value, stamp: base)) }
                replaced[name, default: []].insert(base)
            }
            // What its writer replaced: the heads it closed, or (when a concurrent change closed
            // them first) the newest version it names.
            let old =
                replacedHeads.isEmpty
                ? change.bases.compactMap { base in known[base].map { FieldVersion(value: $0, stamp: base) } }.max { $0.stamp < $1.stamp }
                    .map { [$0] } ?? [] : replacedHeads
            // A change some earlier-stamped change already replaced: possible only when that
            // writer's clock ran behind; the merge rules treat it as history, and so does this.
            let superseded = replaced[name, default: []].contains(change.stamp)
            let rivals = fieldHeads.filter { $0.value != change.value }
            if !superseded { fieldHeads[change.stamp] = change.value }
            heads[name] = fieldHeads
            guard field == nil || field == name else { continue }
            out.append(
                HistoryEntry(
                    stamp: change.stamp, field: name, action: Self.action(change, headsReplaced: replacedHeads.count),
                    replaced: old,
                    value: change.value,
                    concurrent: superseded ? [] : rivals.map { FieldVersion(value: $0.value, stamp: $0.key) },
                    superseded: superseded))
        }
        return out
    }

    /// The record's fields as they stood at wall time `millis` (milliseconds since 1970, by the
    /// writers' clocks): each field's greatest head among the changes stamped at or before it.
    public func state(atMillis millis: Int64) -> RecordState {
        let earlier = changes.filter { $0.hlc.millis <= millis }
        var replaced: [String: Set<Stamp>] = [:]
        for change in earlier { replaced[change.field, default: []].formUnion(change.bases) }
        var state = RecordState()
        for change in earlier where !(replaced[change.field]?.contains(change.stamp) ?? false) {
            // `earlier` is in stamp order, so the last head of a field is its greatest.
            switch change.field {
            case Change.kindField:
                state.kind = change.value.stringValue.flatMap(RecordKind.init(rawValue:))
            case Change.deletedField:
                state.deleted = change.value == .bool(true)
                state.deletedStamp = change.stamp
            default:
                state.fields[change.field] = change.value
                state.newestFieldStamp = max(state.newestFieldStamp ?? change.stamp, change.stamp)
            }
        }
        return state
    }

    static func action(_ change: Change, headsReplaced: Int) -> HistoryEntry.Action {
        switch change.field {
        case Change.kindField: return .created
        case Change.deletedField: return change.value == .bool(true) ? .deleted : .restored
        default: return headsReplaced > 1 ? .resolved : .changed
        }
    }
}

/// A record's fields as a point in its history left them; see ``RecordHistory/state(atMillis:)``.
public struct RecordState: Sendable, Equatable {
    /// The kind it was created with; `nil` if it did not exist yet.
    public var kind: RecordKind?
    /// Each field's value then.
    public var fields: OrderedDictionary<String, JSONValue> = [:]
    /// Its tombstone's value then.
    public var deleted = false
    /// Who wrote the tombstone, and when.
    public var deletedStamp: Stamp?
    /// The newest stamp among its fields (not the tombstone).
    public var newestFieldStamp: Stamp?

    /// Creates an empty state: the record before its first change.
    public init() {}

    /// Whether the record was deleted then, by the same rule the live record follows.
    public var isDeleted: Bool {
        MergeRules.isDeleted(deleted: deleted, deletedStamp: deletedStamp, newestFieldStamp: newestFieldStamp)
    }
}
