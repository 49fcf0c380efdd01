import OrderedCollections
import RelModel

/// A record made of its fields' winning values: how a row is rebuilt after a merge, and how a
/// store that keeps no rows (relhub's) makes a `/feed.json` item, so the two never disagree.
package enum RecordAssembly {
    /// One field's value, with the stamp of the change that wrote it.
    package struct WinningValue {
        package var field: String
        package var stamp: Stamp
        package var value: JSONValue

        /// Creates a value.
        package init(field: String, stamp: Stamp, value: JSONValue) {
            (self.field, self.stamp, self.value) = (field, stamp, value)
        }
    }

    /// The record `id` made of `winners`, its fields' values in any order, whether it is
    /// deleted, and the clocks of its first and last change; `nil` while it is not complete.
    package static func assemble(_ id: String, _ winners: [WinningValue])
        -> (record: Record, deleted: Bool, created: HLCTimestamp, updated: HLCTimestamp)?
    {
        var fields = OrderedDictionary<String, JSONValue>(minimumCapacity: winners.count)
        var kind: RecordKind?
        var deleted = false
        var deletedStamp: Stamp?
        var newest: Stamp?
        var created = HLCTimestamp.zero
        var updated = HLCTimestamp.zero
        for winner in winners {
            updated = max(updated, winner.stamp.hlc)
            switch winner.field {
            case Change.kindField:
                kind = winner.value.stringValue.flatMap(RecordKind.init(rawValue:))
                created = winner.stamp.hlc
            case Change.deletedField:
                deleted = winner.value == .bool(true)
                deletedStamp = winner.stamp
            default:
                fields[winner.field] = winner.value
                newest = max(newest ?? winner.stamp, winner.stamp)
            }
        }
        // A record's first changes can arrive in separate pages: until its kind and every
        // required field are here (each value was checked as it came), it has no row.
        guard let kind, let record = try? RecordValidator.merged(id: id, kind: kind, fields: fields) else { return nil }
        let isDeleted = MergeRules.isDeleted(deleted: deleted, deletedStamp: deletedStamp, newestFieldStamp: newest)
        return (record, isDeleted, created, updated)
    }

    /// The JSON Feed item of record `id`, made of `winners`, unless it is deleted or not
    /// complete yet.
    package static func liveItem(_ id: String, _ winners: [WinningValue]) -> JSONFeed.Item? {
        guard let merged = assemble(id, winners), !merged.deleted else { return nil }
        return JSONFeed.Item(record: merged.record, published: merged.created.wallTime, modified: merged.updated.wallTime)
    }
}
