import Foundation
import OrderedCollections
import RelModel

@testable import RelStore

/// Everything a store tells through its API, as one JSON document with a fixed order: what a
/// migration must carry over unchanged. Read with today's code only, never with SQL, so that it
/// means the same after a migration changes the tables.
enum StoreFingerprint {
    /// The fingerprint of `db`; `feedURL` is the feed it follows, if it follows one (its position
    /// in the feed is read by that URL).
    static func of(_ db: AppDatabase, feedURL: String?) async throws -> JSONValue {
        let feed = try await feedLog(db)
        let nodes = Set(feed.map(\.change.node)).union([db.nodeID])
        let ids = Set(feed.map(\.change.recordID)).sorted()
        let stats = try await db.statistics()
        var out = OrderedDictionary<String, JSONValue>()
        out["node_id"] = .string(db.nodeID)
        out["node_name"] = try await db.nodeName().map(JSONValue.string) ?? .null
        out["node_names"] = sorted(try await db.nodeNames(of: nodes))
        var owners = OrderedDictionary<String, JSONValue>()
        for node in nodes.sorted() { owners[node] = try await db.nodeOwner(node).map(JSONValue.string) ?? .null }
        out["node_owners"] = .object(owners)
        out["statistics"] = .object([
            "events": .int(Int64(stats.counts[.event] ?? 0)), "agreements": .int(Int64(stats.counts[.agreement] ?? 0)),
            "deleted": .int(Int64(stats.deleted)), "pending": .int(Int64(stats.pendingChanges)),
            "open_conflicts": .int(Int64(try await db.openConflictCount())),
        ])
        out["feed_position"] = try await position(db, feedURL: feedURL)
        out["feed_head"] = .int(try await db.feedHead())
        out["export"] = .array(try await db.exportDocuments().map { try JSONValue.parse($0) })
        out["tombstones"] = .array(try await tombstones(db, ids: ids))
        out["conflicts"] = .array(try await db.conflicts().map(conflict))
        var histories: [JSONValue] = []
        for id in ids { histories.append(try await history(db, id: id)) }
        out["history"] = .array(histories)
        out["feed"] = .array(
            feed.map { line in
                var members: OrderedDictionary<String, JSONValue> = ["seq": .int(line.seq)]
                for (key, value) in line.change.json.objectValue ?? [:] { members[key] = value }
                return .object(members)
            })
        out["feed_node_names"] = sorted(try await db.feedPage(since: 0, limit: feed.count + 1).nodeNames)
        out["snapshot"] = .array(try await db.snapshot().changes.map(\.json))
        return .object(out)
    }

    /// `fingerprint` as text: one line per document, conflict, history entry and change (each
    /// compact), so that a golden file stays small and a difference names one thing.
    static func text(_ fingerprint: JSONValue) -> String {
        guard case .object(let members) = fingerprint else { return JSONText.compact(fingerprint) + "\n" }
        var out = "{\n"
        for (i, (key, value)) in members.enumerated() {
            out += "  " + JSONText.quoted(key) + ": " + lines(value, expand: key == "history" ? 3 : 1, indent: "  ")
            out += i == members.count - 1 ? "\n" : ",\n"
        }
        return out + "}\n"
    }

    /// `value` with its containers opened `expand` levels deep, compact below.
    private static func lines(_ value: JSONValue, expand: Int, indent: String) -> String {
        let inner = indent + "  "
        switch value {
        case .array(let items) where expand > 0 && !items.isEmpty:
            return "[\n" + items.map { inner + lines($0, expand: expand - 1, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members) where expand > 0 && !members.isEmpty:
            let body = members.map { inner + JSONText.quoted($0.key) + ": " + lines($0.value, expand: expand - 1, indent: inner) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return JSONText.compact(value)
        }
    }

    /// The change log as the feed sends it, a page of one change at a time, so that each change
    /// comes with its place in the log (the page's `next`).
    private static func feedLog(_ db: AppDatabase) async throws -> [(seq: Int64, change: Change)] {
        var out: [(seq: Int64, change: Change)] = []
        var cursor: Int64 = 0
        while true {
            let page = try await db.feedPage(since: cursor, limit: 1)
            guard let change = page.changes.first else { return out }
            out.append((page.next, change))
            cursor = page.next
        }
    }

    private static func position(_ db: AppDatabase, feedURL: String?) async throws -> JSONValue {
        guard let feedURL else { return .null }
        let p = try await db.feedPosition(feedURL: feedURL)
        return .object([
            "feed_url": .string(p.feedURL), "feed_id": p.feedID.map(JSONValue.string) ?? .null, "cursor": .int(p.cursor),
            "etag": p.etag.map(JSONValue.string) ?? .null, "last_modified": p.lastModified.map(JSONValue.string) ?? .null,
            "pushed_seq": .int(p.pushedSeq),
        ])
    }

    /// Deleted records' last values, by id. A hub has no record rows: it has none.
    private static func tombstones(_ db: AppDatabase, ids: [String]) async throws -> [JSONValue] {
        var out: [JSONValue] = []
        for id in ids {
            do {
                let (record, deleted) = try await db.recordOrTombstone(id: id)
                if deleted { out.append(record.json) }
            } catch StoreError.notFound {
                continue
            }
        }
        return out
    }

    private static func conflict(_ c: FieldConflict) -> JSONValue {
        .object([
            "record_id": .string(c.recordID), "title": .string(c.title), "field": .string(c.field),
            "current": version(c.current), "losers": .array(c.losers.map(version)),
        ])
    }

    private static func history(_ db: AppDatabase, id: String) async throws -> JSONValue {
        guard let stored = try await db.history(id: id) else { return .object(["record_id": .string(id), "entries": .null]) }
        let entries = stored.history.entries().map { entry -> JSONValue in
            .object([
                "stamp": entry.stamp.json, "field": .string(entry.field), "action": .string(entry.action.rawValue),
                "value": entry.value, "replaced": .array(entry.replaced.map(version)),
                "concurrent": .array(entry.concurrent.map(version)), "superseded": .bool(entry.superseded),
            ])
        }
        return .object(["record_id": .string(id), "node_names": sorted(stored.nodeNames), "entries": .array(entries)])
    }

    private static func version(_ v: FieldVersion) -> JSONValue {
        .object(["stamp": v.stamp.json, "value": v.value])
    }

    private static func sorted(_ names: [String: String]) -> JSONValue {
        .object(OrderedDictionary(uniqueKeysWithValues: names.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
    }
}
