import Foundation
import GRDB
import RelModel

extension AppDatabase {
    /// Live records matching `filter` (its `text` aside), newest change first, each with the wall
    /// times of its first and last change: what a JSON Feed shows (``JSONFeed``). At most
    /// `filter.limit` records after `filter.offset`.
    public func jsonFeedItems(_ filter: RecordFilter) async throws -> [JSONFeed.Item] {
        // The same filters as `list`, so that a feed and a listing never disagree on what matches.
        var (conditions, arguments) = Self.conditions(filter)
        conditions.insert("deleted = 0", at: 0)
        arguments += [filter.limit, filter.offset]
        let sql = """
            SELECT doc, created_hlc, updated_hlc FROM records WHERE \(conditions.joined(separator: " AND "))
            ORDER BY updated_hlc DESC, id LIMIT ? OFFSET ?
            """
        return try await read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                JSONFeed.Item(
                    record: try Self.decode(row[0]), published: HLCTimestamp(rawValue: row[1]).wallTime,
                    modified: HLCTimestamp(rawValue: row[2]).wallTime)
            }
        }
    }

    /// The `limit` most recently changed live records, built from the field tables: for relhub,
    /// which merges without keeping record rows (``applyRemote(_:bound:materialize:before:within:)``).
    /// One pass over the field stamps to rank the records, then one indexed read per item.
    public func jsonFeedItemsFromFields(limit: Int) async throws -> [JSONFeed.Item] {
        try await read { db in
            var items: [JSONFeed.Item] = []
            let ranked = try Row.fetchCursor(
                db,
                sql: """
                    SELECT w.record_id, max(c.hlc) AS updated FROM winners w JOIN changes c ON c.seq = w.seq
                    GROUP BY w.record_id ORDER BY updated DESC, w.record_id
                    """)
            while items.count < limit, let row = try ranked.next() {
                if let item = try Self.liveItem(db, id: row[0]) { items.append(item) }
            }
            return items
        }
    }

    /// The record `id` as its fields' winning values make it, unless it is deleted or not
    /// complete yet.
    static func liveItem(_ db: Database, id: String) throws -> JSONFeed.Item? {
        RecordAssembly.liveItem(id, try winningValues(db, id: id, known: [:]))
    }
}
