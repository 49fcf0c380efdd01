// Writes a schema-v8 replica store and the hub store it syncs with, with the store code of the
// commit it is built with (see ../README.md):
//   makefixture SEED.json OUT.sqlite COUNT OTHER_DIR HUB.sqlite
// Three nodes sync through a hub as reld's sync rounds and relhub's push and page routes call the
// store: OUT is node "ana", whose store the other two (in OTHER_DIR) never touch directly.
// - ana imports the first COUNT records of SEED and its first three agreements, edits mlru-e04
//   three times (several fields, a list item by item, a dotted path), deletes mlru-e07 and
//   restores it, and pushes;
// - ben imports mlru-e10 and mlru-e11 and pushes, pulls; chloe pulls;
// - concurrently: ana, ben and chloe edit mlru-e05's notes; ana and ben mlru-e03's title,
//   mlru-e06's tags and mlru-e09's claim status; ben edits mlru-a03's notes and deletes mlru-e08.
//   ben, chloe and ana push and pull, in that order: three open conflicts on ana, one of them
//   with three values, and mlru-e06's tags, which ana resolves and pushes;
// - then, not yet pushed: mlru-e01's title edited with decomposed text (stored in NFC),
//   mlru-e02 deleted, mlru-e04's notes edited a fourth time.
// The hub (HUB.sqlite, `materialize: false`) binds each node id to its token's SHA-256.
import Foundation
import GRDB
import OrderedCollections
import RelModel
import RelStore

let args = CommandLine.arguments
let seed = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: args[1])))
let items = seed.arrayValue ?? []
func records(_ chosen: some Sequence<JSONValue>) throws -> [RelModel.Record] {
    try chosen.map { item in try RecordValidator.record(from: item) { UUID().uuidString.lowercased() } }
}
let ours = try records(items.prefix(Int(args[3])!) + items.filter { $0["kind"]?.stringValue == "agreement" }.prefix(3))
let theirs = try records(items.filter { ["mlru-e10", "mlru-e11"].contains($0["id"]?.stringValue) })

let feedURL = "https://hub.example.org"
/// A node: its store, its `[node] name`, and the SHA-256 of its relhub token, which relhub
/// stores in `node_owners`. The tokens are `relhub-fixture-token-ana` (and -ben, -chloe).
struct Node {
    let db: AppDatabase
    let name: String
    let tokenSHA256: String
}
let ana = Node(
    db: try AppDatabase(path: args[2]), name: "ana@field-laptop",
    tokenSHA256: "c3d153e62dbdf247aec2866f808eccef569437c0bceef67debf88d6ec69e7e4d")
// Typed decomposed; stored, like every name, in NFC.
let ben = Node(
    db: try AppDatabase(path: args[4] + "/ben.sqlite"), name: "Be\u{0301}ne\u{0301}dicte@bamako",
    tokenSHA256: "d3954c9773ed04da6ac85d416d996e1174c016684ffdbb67f143ccdea305efc3")
let chloe = Node(
    db: try AppDatabase(path: args[4] + "/chloe.sqlite"), name: "chloe@desk",
    tokenSHA256: "1ad554832f0368a2fecc60e78ad006a22ed02bcb95d2c3267c9fc051141889ac")
let hub = try AppDatabase(path: args[5])
for node in [ana, ben, chloe] { try await node.db.setNodeName(node.name) }
print("hub", hub.nodeID, "ana", ana.db.nodeID, "ben", ben.db.nodeID, "chloe", chloe.db.nodeID)

/// One sync round as reld runs it against relhub: push every waiting batch (through the wire
/// form and the `Reld-Node-Name` header's), then pull pages until the feed has no more.
func sync(_ node: Node) async throws {
    _ = try await node.db.feedPosition(feedURL: feedURL)
    var pushed = 0
    while true {
        let (batch, mark) = try await node.db.changesToPush(limit: 40)
        guard !batch.isEmpty else { break }
        let wire = try PushBatch(json: JSONValue.parse(JSONText.compact(PushBatch(changes: batch).json(.string))))
        let name = try await node.db.nodeName().flatMap { NodeName.fromHeader(NodeName.headerValue($0)) }
        _ = try await hub.applyPushed(wire.changes, writer: node.tokenSHA256, declaredNode: node.db.nodeID, declaredName: name)
        try await node.db.markPushed(mark)
        pushed += batch.count
    }
    var cursor = try await node.db.feedPosition(feedURL: feedURL).cursor
    var pulled = ApplySummary()
    while true {
        let page = try FeedPage(json: JSONValue.parse(try await hub.feedPageText(since: cursor, limit: 40, hlc: .string).text))
        // relhub's ETag on a last page; reld keeps it for the next round's If-None-Match.
        let etag = page.more ? nil : "\"\(hub.nodeID)-\(page.next)\""
        let summary = try await node.db.applyPulled(
            page.changes, feedID: page.feedID, next: page.next, etag: etag, lastModified: nil, nodeNames: page.nodeNames)
        pulled.applied += summary.applied
        pulled.duplicates += summary.duplicates
        pulled.conflicts += summary.conflicts
        cursor = page.next
        if !page.more { break }
    }
    print("sync", node.name, "pushed", pushed, "pulled", pulled)
}

// ana's own work, pushed.
print("ana import", try await ana.db.importRecords(ours))
_ = try await ana.db.update(
    id: "mlru-e04", edits: ["title": "Modibo Keïta's government turns to the Soviet bloc", "claim_status": "alleged"])
_ = try await ana.db.update(
    id: "mlru-e04", edits: ["notes": "Revised against the archive.", "source.url": "https://example.org/archive/keita"],
    additions: ["tags": ["non-alignment"]], removals: ["tags": ["Cold War"]])
_ = try await ana.db.update(
    id: "mlru-e04", edits: ["title": "Modibo Keïta government builds close ties with Moscow", "claim_status": "disputed"])
try await ana.db.delete(id: "mlru-e07")
_ = try await ana.db.restore(id: "mlru-e07")
try await sync(ana)

// ben's records; everyone has everything.
print("ben import", try await ben.db.importRecords(theirs))
try await sync(ben)
try await sync(chloe)

// Concurrent edits: nobody sees the others' until the rounds below.
_ = try await ben.db.update(id: "mlru-e03", edits: ["title": "Title as the other node wrote it"])
_ = try await ben.db.update(id: "mlru-e05", edits: ["notes": "Notes as ben wrote them."])
_ = try await ben.db.update(id: "mlru-e06", edits: [:], additions: ["tags": ["ben's tag"]])
_ = try await ben.db.update(id: "mlru-e09", edits: ["claim_status": "alleged"])
_ = try await ben.db.update(id: "mlru-a03", edits: ["notes": "Membership confirmed by a second source."])
try await ben.db.delete(id: "mlru-e08")
_ = try await chloe.db.update(id: "mlru-e05", edits: ["notes": "Notes as chloe wrote them."])
_ = try await ana.db.update(id: "mlru-e03", edits: ["title": "Title as this node wrote it"])
_ = try await ana.db.update(id: "mlru-e05", edits: ["notes": "Notes as ana wrote them."])
_ = try await ana.db.update(id: "mlru-e06", edits: [:], additions: ["tags": ["ana's tag"]])
_ = try await ana.db.update(id: "mlru-e09", edits: ["claim_status": "disputed"])
try await sync(ben)
try await sync(chloe)
try await sync(ana)

// One conflict resolved with a value of ana's own, and pushed.
var tags = try await ana.db.record(id: "mlru-e06").fields["tags"]?.arrayValue ?? []
for tag: JSONValue in ["ana's tag", "ben's tag"] where !tags.contains(tag) { tags.append(tag) }
_ = try await ana.db.resolve(id: "mlru-e06", field: "tags", choice: .value(.array(tags)))
try await sync(ana)

// Pending: not pushed yet.
_ = try await ana.db.update(id: "mlru-e01", edits: ["title": .string("Assimi Goi\u{0308}ta meets the Russian ambassador")])
try await ana.db.delete(id: "mlru-e02")
_ = try await ana.db.update(id: "mlru-e04", edits: ["notes": "Revised against the archive, and again by a second reader."])

for (label, db) in [("ana", ana.db), ("hub", hub)] {
    print(label, try await db.statistics(), "conflicts", try await db.conflicts().map { "\($0.recordID).\($0.field) \($0.losers.count)" })
}
for db in [ana.db, ben.db, chloe.db, hub] { try await db.close() }

// One file each, as SQLite leaves it once the write-ahead log is folded back in.
for path in [args[2], args[5]] {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    try queue.close()
}
