import OrderedCollections
import RelModel
import Testing

/// Reading back a record that passed the validator (an import's spool) gives the same record,
/// and anything not shaped as `Record.json` wrote it gives none.
@Suite struct RecordRereadTests {
    @Test func everySeedRecordReadsBackAsItself() throws {
        for original in try SeedData.records() {
            let record = try RecordValidator.record(from: original) { "new-id" }
            let text = JSONText.compact(record.json)
            #expect(RecordValidator.reread(try JSONValue.parse(text)) == record, "\(record.id)")
        }
    }

    @Test(arguments: ["a missing field", "an extra field", "fields out of order", "kind before id", "a bad id", "a bad kind", "no object"])
    func aLineNotWrittenByRecordJSONReadsAsNothing(_ damage: String) throws {
        let record = try RecordValidator.record(from: try SeedData.records()[0]) { "new-id" }
        guard var members = record.json.objectValue else { throw SeedData.SeedError() }
        switch damage {
        case "a missing field": members.removeValue(forKey: "notes")
        case "an extra field": members["colour"] = "red"
        case "fields out of order":
            let title = members.removeValue(forKey: "title")
            members["title"] = title
        case "kind before id":
            let id = members.removeValue(forKey: "id")
            members["id"] = id
        case "a bad id": members["id"] = "has spaces and / slashes"
        case "a bad kind": members["kind"] = "rumour"
        default:
            #expect(RecordValidator.reread(record.json["title"] ?? .null) == nil)
            return
        }
        #expect(RecordValidator.reread(.object(members)) == nil)
    }
}
