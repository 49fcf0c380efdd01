import RelModel

/// One row of the change log as the feed sends it: the stored value and bases are canonical
/// JSON text, spliced into pages as they are.
package struct LogRow: Sendable, Equatable {
    /// Its place in the log: the feed's cursor.
    package var seq: Int64
    /// The record.
    package var recordID: String
    /// The field.
    package var field: String
    /// The value, canonical JSON text.
    package var value: String
    /// The clock value.
    package var hlc: Int64
    /// The writing node.
    package var node: String
    /// The node's own number for it.
    package var nodeSeq: Int64
    /// The stamps it replaced, `[[hlc,"node"],…]`, clock values as integers.
    package var bases: String

    /// Creates a row.
    package init(seq: Int64, recordID: String, field: String, value: String, hlc: Int64, node: String, nodeSeq: Int64, bases: String) {
        (self.seq, self.recordID, self.field, self.value) = (seq, recordID, field, value)
        (self.hlc, self.node, self.nodeSeq, self.bases) = (hlc, node, nodeSeq, bases)
    }
}

extension LogRow {
    /// The change the row holds, its value and bases parsed.
    package func change() throws -> Change {
        let bases = try JSONValue.parse(self.bases).arrayValue ?? []
        return Change(
            recordID: recordID, field: field, value: try JSONValue.parse(value), hlc: HLCTimestamp(rawValue: hlc), node: node,
            nodeSeq: nodeSeq, bases: try bases.map { b throws(FieldError) in try Stamp(json: b) })
    }
}

/// The text a feed sends, written the same by either of relhub's stores: a page of changes
/// (docs/sync-protocol.md, section 3) and the pieces of a snapshot document (section 5).
package enum FeedText {
    /// How many positions of the log one page may pass over, per change it may hold, when it
    /// leaves out the asker's own changes: a page costs the hub a bounded scan, however many
    /// of the changes after `since` are the asker's.
    package static let maxScanPerChange: Int64 = 64

    /// The last position a page from `since` leaving out the asker's changes may look at.
    package static func scanEnd(since: Int64, limit: Int) -> Int64 {
        let (end, overflow) = since.addingReportingOverflow(Int64(limit) * maxScanPerChange)
        return overflow ? Int64.max : end
    }

    /// Cuts `rows`, read as `limit + 1` rows after `since` (up to ``scanEnd(since:limit:)``
    /// when `scanned`), to the page, and says where the next one starts and whether it has
    /// changes: past what was left out, when `scanned`, so the asker never asks for it again.
    package static func pageEnd(since: Int64, limit: Int, scanned: Bool, head: Int64, rows: inout [LogRow]) -> (next: Int64, more: Bool) {
        if rows.count > limit {
            rows.removeLast(rows.count - limit)
            return (rows[limit - 1].seq, true)
        }
        guard scanned else { return (rows.last?.seq ?? since, false) }
        let end = scanEnd(since: since, limit: limit)
        return (max(since, min(end, head)), end < head)
    }

    /// A page's text: `rows` spliced as stored, clock values in `form`, and the names of the
    /// page's nodes that `names` knows.
    package static func page(
        feedID: String, rows: [LogRow], names: [String: String], next: Int64, more: Bool, form: HLCForm
    ) -> String {
        var text = "{\"feed_id\":"
        JSONText.quote(feedID, into: &text)
        text += ",\"changes\":["
        for (i, row) in rows.enumerated() {
            if i > 0 { text += "," }
            text += "{\"node\":"
            JSONText.quote(row.node, into: &text)
            text += ",\"node_seq\":\(row.nodeSeq),\"record_id\":"
            JSONText.quote(row.recordID, into: &text)
            text += ",\"field\":"
            JSONText.quote(row.field, into: &text)
            switch form {
            case .integer: text += ",\"value\":" + row.value + ",\"hlc\":\(row.hlc),\"bases\":" + row.bases + "}"
            case .string:
                text += ",\"value\":" + row.value + ",\"hlc\":\"\(row.hlc)\",\"bases\":"
                text += quotingClockValues(row.bases)
                text += "}"
            }
        }
        // Names of the page's nodes, where known; older replicas ignore the member.
        text += "],\"node_names\":{"
        for (i, node) in names.keys.sorted().enumerated() {
            if i > 0 { text += "," }
            JSONText.quote(node, into: &text)
            text += ":"
            JSONText.quote(names[node]!, into: &text)
        }
        text += "},\"next\":\(next),\"more\":\(more)}"
        return text
    }

    /// A stored list of stamps, `[[1,"a"],[2,"b"]]`, with its clock values as decimal strings,
    /// `[["1","a"],["2","b"]]`: a number right after `[` is a stamp's clock value, since node ids
    /// contain no `[`. One pass over the text, rather than parsing and serialising it again.
    package static func quotingClockValues(_ bases: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bases.utf8.count + 16)
        var previous: UInt8 = 0
        var inNumber = false
        for c in bases.utf8 {
            let digit = (48...57).contains(c)
            if inNumber, !digit {
                out.append(34)
                inNumber = false
            }
            if previous == 91, digit {
                out.append(34)
                inNumber = true
            }
            out.append(c)
            previous = c
        }
        if inNumber { out.append(34) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The snapshot document up to its first change: `{"format":…,"feed_id":…,"changes":[`.
    package static func snapshotOpening(feedID: String) -> String {
        var text = "{\"format\":"
        JSONText.quote(FeedSnapshot.format, into: &text)
        text += ",\"feed_id\":"
        JSONText.quote(feedID, into: &text)
        text += ",\"changes\":["
        return text
    }

    /// What closes the snapshot document after its last change.
    package static let snapshotClosing = "]}"

    /// A field's value as a snapshot sends it: with, as extra bases, the newest versions of the
    /// field known to be replaced (`olderNewestFirst`, read newest first), as many as the bases
    /// leave room for, oldest first: a follower holding an older version then knows it was
    /// replaced, rather than taking it for a concurrent edit.
    package static func withReplacedVersions(_ change: Change, olderNewestFirst: some Sequence<Stamp>) -> Change {
        var change = change
        let room = Change.maxBases - change.bases.count
        guard room > 0 else { return change }
        let known = Set(change.bases)
        var extra: [Stamp] = []
        var older = olderNewestFirst.makeIterator()
        while extra.count < room, let stamp = older.next() {
            if !known.contains(stamp) { extra.append(stamp) }
        }
        change.bases += extra.reversed()
        return change
    }
}
