import OrderedCollections

/// One page of a feed's changes, as `GET /v1/changes` returns it:
/// `{"feed_id", "changes": [...], "next": CURSOR, "more": BOOL}`.
public struct FeedPage: Sendable, Equatable {
    /// Identifies the feed's store; if it changes, the feed was reset and cursors start over.
    public var feedID: String
    /// The changes, in the feed's order.
    public var changes: [Change]
    /// The cursor to ask for the next page with.
    public var next: Int64
    /// Whether more changes follow.
    public var more: Bool
    /// Human names of the page's nodes, where the feed knows them (`node_names`; optional, and
    /// ignored by replicas that predate it).
    public var nodeNames: [String: String]

    /// Creates a page.
    public init(feedID: String, changes: [Change], next: Int64, more: Bool, nodeNames: [String: String] = [:]) {
        self.feedID = feedID
        self.changes = changes
        self.next = next
        self.more = more
        self.nodeNames = nodeNames
    }

    /// The wire form, clock values as integers.
    public var json: JSONValue { json(.integer) }

    /// The wire form with clock values in `form`.
    public func json(_ form: HLCForm) -> JSONValue {
        let names = OrderedDictionary(
            uniqueKeysWithValues: nodeNames.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        return .object([
            "feed_id": .string(feedID), "changes": .array(changes.map { $0.json(form) }), "node_names": .object(names),
            "next": .int(next), "more": .bool(more),
        ])
    }

    /// Reads the wire form.
    public init(json: JSONValue) throws(FieldError) {
        guard case .object(let o) = json else { throw FieldError("", json, "must be a feed page object") }
        guard case .string(let feedID)? = o["feed_id"], NodeID.isValid(feedID) else {
            throw FieldError("feed_id", o["feed_id"], NodeID.rule)
        }
        guard case .int(let next)? = o["next"], (0...Self.maxCursor).contains(next) else {
            throw FieldError("next", o["next"], "must be an integer from 0 to \(Self.maxCursor)")
        }
        guard case .bool(let more)? = o["more"] else { throw FieldError("more", o["more"], "must be true or false") }
        let changes = try Self.changes(o["changes"])
        self.init(feedID: feedID, changes: changes, next: next, more: more, nodeNames: Self.nodeNames(o["node_names"], of: changes))
    }

    /// Reads `node_names` leniently: a name is only a label, so a bad entry is dropped rather than
    /// failing the page, and only nodes that made one of the page's changes are named (which
    /// bounds the member by the page).
    static func nodeNames(_ value: JSONValue?, of changes: [Change]) -> [String: String] {
        guard case .object(let o)? = value, !o.isEmpty else { return [:] }
        let nodes = Set(changes.map(\.node))
        var names: [String: String] = [:]
        for (node, name) in o where nodes.contains(node) {
            if let name = name.stringValue.flatMap(NodeName.checked) { names[node] = name }
        }
        return names
    }

    /// The largest cursor a page may name: a feed's positions count its changes, so 2^53 is
    /// out of reach, and a cursor no larger can be compared and stepped without overflow.
    public static let maxCursor: Int64 = 1 << 53

    /// Reads a `changes` array, naming the index of a bad change.
    static func changes(_ value: JSONValue?) throws(FieldError) -> [Change] {
        guard case .array(let items)? = value else { throw FieldError("changes", value, "must be an array of changes") }
        var out: [Change] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do { out.append(try Change(json: item)) } catch { throw error.under("changes[\(i)]") }
        }
        return out
    }
}

/// A batch of changes pushed to a feed: `POST /v1/changes` with `{"changes": [...]}`.
public struct PushBatch: Sendable, Equatable {
    /// The changes, in the pushing node's order.
    public var changes: [Change]

    /// Creates a batch.
    public init(changes: [Change]) { self.changes = changes }

    /// The wire form, clock values as integers.
    public var json: JSONValue { json(.integer) }

    /// The wire form with clock values in `form`.
    public func json(_ form: HLCForm) -> JSONValue { .object(["changes": .array(changes.map { $0.json(form) })]) }

    /// Reads the wire form.
    public init(json: JSONValue) throws(FieldError) {
        guard case .object(let o) = json else { throw FieldError("", json, "must be an object with a changes array") }
        for key in o.keys where key != "changes" { throw FieldError(key, nil, "unknown member; a push has only changes") }
        self.init(changes: try FeedPage.changes(o["changes"]))
    }
}

/// What a feed did with a pushed batch: `{"accepted", "duplicates", "new_conflicts"}`, plus
/// `conflicts`, the same count under its former name, for replicas of version 0.2.0 or earlier.
public struct PushResult: Sendable, Equatable {
    /// Changes that were new to the feed.
    public var accepted: Int
    /// Changes the feed already had (a replayed batch).
    public var duplicates: Int
    /// Conflicts the batch opened.
    public var newConflicts: Int

    /// Creates a result.
    public init(accepted: Int, duplicates: Int, newConflicts: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.newConflicts = newConflicts
    }

    /// The wire form.
    public var json: JSONValue {
        .object([
            "accepted": .int(Int64(accepted)), "duplicates": .int(Int64(duplicates)),
            "new_conflicts": .int(Int64(newConflicts)), "conflicts": .int(Int64(newConflicts)),
        ])
    }

    /// Reads the wire form; a hub of version 0.2.0 or earlier sends only `conflicts`.
    public init(json: JSONValue) throws(FieldError) {
        func count(_ key: String) throws(FieldError) -> Int {
            guard case .int(let n)? = json[key], n >= 0 else { throw FieldError(key, json[key], "must be a non-negative integer") }
            return Int(n)
        }
        let newConflicts = json["new_conflicts"] == nil ? try count("conflicts") : try count("new_conflicts")
        self.init(accepted: try count("accepted"), duplicates: try count("duplicates"), newConflicts: newConflicts)
    }
}

/// The whole state of a store in one document that any web server can host:
/// `{"format": "reld-snapshot/1", "feed_id", "changes": [...]}`, where `changes` holds every
/// field's current value and open conflicts, with their stamps (tombstones included).
public struct FeedSnapshot: Sendable, Equatable {
    /// The format tag, checked on read.
    public static let format = "reld-snapshot/1"
    /// The store it was taken from.
    public var feedID: String
    /// Every head of every field.
    public var changes: [Change]

    /// Creates a snapshot.
    public init(feedID: String, changes: [Change]) {
        self.feedID = feedID
        self.changes = changes
    }

    /// The wire form, clock values as integers: what `relctl export --feed` writes, since a
    /// snapshot file is read by replicas of every version.
    public var json: JSONValue { json(.integer) }

    /// The wire form with clock values in `form`.
    public func json(_ form: HLCForm) -> JSONValue {
        .object(["format": .string(Self.format), "feed_id": .string(feedID), "changes": .array(changes.map { $0.json(form) })])
    }

    /// Reads the wire form.
    public init(json: JSONValue) throws(FieldError) {
        guard json["format"]?.stringValue == Self.format else {
            throw FieldError(
                "format", json["format"], "must be \"\(Self.format)\"; is this a reld snapshot (written by relctl export --feed)?")
        }
        guard case .string(let feedID)? = json["feed_id"], NodeID.isValid(feedID) else {
            throw FieldError("feed_id", json["feed_id"], NodeID.rule)
        }
        self.init(feedID: feedID, changes: try FeedPage.changes(json["changes"]))
    }
}
