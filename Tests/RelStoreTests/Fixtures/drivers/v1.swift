// Writes a schema-v1 store with the store code of the commit it is built with (see ../README.md):
//   makefixture SEED.json OUT.sqlite COUNT
// What reld's import, edit and delete routes call: the first COUNT records of SEED and its first
// two agreements imported, one title edited with decomposed text (stored as typed: reld did not
// normalise to NFC yet), one record deleted.
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
let db = try AppDatabase(path: args[2])
print("node", db.nodeID)
print(try await db.importRecords(records))
let edited = try await db.update(id: records[0].id, edits: ["title": .string("Assimi Goi\u{0308}ta meets the Russian ambassador")])
print("edited", edited.id)
try await db.delete(id: records[1].id)
print("deleted", records[1].id)
print(try await db.statistics())
try await db.close()

// One file, as SQLite leaves it once the write-ahead log is folded back in.
let queue = try DatabaseQueue(path: args[2])
try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
try queue.close()
