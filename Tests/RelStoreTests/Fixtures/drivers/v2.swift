// Writes a schema-v2 store with the store code of the commit it is built with (see ../README.md):
//   makefixture SEED.json OUT.sqlite COUNT OTHER_DIR
// A node that follows a feed, as reld's import, edit, delete and sync rounds leave it: the first
// COUNT records of SEED and its first two agreements imported and pushed; a title edited here and
// on another node (its store in OTHER_DIR) at once, the other's edit pulled: an open conflict;
// then, not yet pushed, a title edited with decomposed text (stored as typed: reld did not
// normalise to NFC yet) and a record deleted.
import Foundation
import GRDB
import OrderedCollections
import RelModel
import RelStore

let args = CommandLine.arguments
let seed = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: args[1])))
let items = seed.arrayValue ?? []
var records: [RelModel.Record] = []
for item in items.prefix(Int(args[3])!) + items.filter({ $0["kind"]?.stringValue == "agreement" }).prefix(2) {
    records.append(try RecordValidator.record(from: item) { UUID().uuidString.lowercased() })
}
let a = try AppDatabase(path: args[2])
let b = try AppDatabase(path: args[4] + "/other.sqlite")
print("node", a.nodeID, "other", b.nodeID)
print(try await a.importRecords(records))

// Pushed: the feed has everything so far, and the other node pulls it.
_ = try await a.feedPosition(feedURL: "https://hub.example.org")
let (pushed, mark) = try await a.changesToPush(limit: 100_000)
try await a.markPushed(mark)
print("pushed", pushed.count, try await b.applyRemote(pushed))

// Concurrent edits of one title; the other node's reaches this one through the feed.
let contested = records[2].id
_ = try await b.update(id: contested, edits: ["title": .string("Title as the other node wrote it")])
_ = try await a.update(id: contested, edits: ["title": .string("Title as this node wrote it")])
let theirs = try await b.changes().filter { $0.node == b.nodeID }
print("pulled", try await a.applyPulled(theirs, feedID: "feed-1", next: Int64(pushed.count + theirs.count), etag: nil, lastModified: nil))

// Pending: not pushed yet.
let edited = try await a.update(id: records[0].id, edits: ["title": .string("Assimi Goi\u{0308}ta meets the Russian ambassador")])
print("edited", edited.id)
try await a.delete(id: records[1].id)
print("deleted", records[1].id)
print(try await a.statistics())
print(try await a.conflicts())
try await a.close()
try await b.close()

// One file, as SQLite leaves it once the write-ahead log is folded back in.
let queue = try DatabaseQueue(path: args[2])
try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
try queue.close()
