import Foundation
import RelInterchange
import RelModel
import Testing

/// ACLED rows to records and back: every awkward case of the fixture, and the same rows again.
@Suite struct ACLEDMappingTests {
    let records: [String: JSONValue]

    init() throws {
        records = try Fixture.records("acled-sample.csv", .acled)
    }

    @Test func everyRowIsAValidEventWithItsACLEDId() throws {
        #expect(records.count == 12)
        for (id, record) in records {
            #expect(id.hasPrefix("acled-"))
            #expect(record["kind"] == "event")
            _ = try Fixture.canonical(record)
        }
    }

    @Test func datesFollowTimePrecision() throws {
        #expect(records["acled-MLI90001"]?["date"] == ["type": "instant", "start": "2023-01-15", "end": nil, "approximate": false])
        #expect(records["acled-MLI90006"]?["date"] == ["type": "window", "start": "2023-03-05", "end": "2023-03-11", "approximate": true])
        #expect(records["acled-MLI90007"]?["date"] == ["type": "instant", "start": "2023-04", "end": nil, "approximate": false])
        // dd-mm-yyyy reads the same day.
        #expect(records["acled-MLI90009"]?["date"]?["start"] == "2023-05-09")
    }

    @Test func typesActorsPlaceAndSource() throws {
        let r = try #require(records["acled-MLI90002"])
        #expect(r["category"] == "security")
        #expect(r["codes"] == ["acled_event_type": "Violence against civilians", "acled_sub_event_type": "Attack"])
        #expect(r["parties"] == ["ML"])
        let actors = try #require(r["actors"]?.arrayValue)
        #expect(actors.map { $0["name"] } == ["Unidentified Armed Group (Mali)", "Civilians (Mali)", "Farmers (Mali)", "Women (Mali)"])
        #expect(actors.map { $0["role"] ?? "participant" } == ["source", "target", "associated", "associated"])
        #expect(actors[0]["type"] == "armed_group")
        #expect(r["location"]?["name"] == "Kourouma, near Diabaly")
        #expect(r["location"]?["country"] == "ML")
        #expect(r["location"]?["admin1"] == "Segou")
        #expect(r["location"]?["latitude"] == .double(14.687))
        #expect(r["location"]?["geo_precision"] == 2)
        #expect(r["source"]?["title"] == "Radio Station A; Newspaper B")
        #expect(r["fatalities"] == 2)
        #expect(records["acled-MLI90004"]?["category"] == "diplomatic")
        #expect(records["acled-BFA90010"]?["actors"]?.arrayValue?.first?["type"] == "military")
    }

    @Test func awkwardCells() throws {
        let newline = try #require(records["acled-MLI90003"]?["notes"]?.stringValue)
        #expect(newline.hasPrefix("First line of the notes.\nSecond line: traders closed their shops."))
        #expect(records["acled-MLI90003"]?["tags"] == ["crowd size=around 200"])
        let quotes = try #require(records["acled-MLI90004"]?["notes"]?.stringValue)
        #expect(quotes.hasPrefix("The ministers signed what they called a \"historic\" accord"))
        // No coordinates: a place without them.
        #expect(records["acled-MLI90005"]?["location"]?["latitude"] == nil)
        #expect(records["acled-MLI90005"]?["fatalities"] == .null)
        #expect(records["acled-MLI90008"]?["location"]?["name"] == "Kolongo – Ségou")
        // Country by name (no iso) and by numeric code.
        #expect(records["acled-NER90011"]?["parties"] == ["NE"])
        #expect(records["acled-CIV90012"]?["parties"] == ["CI"])
        #expect(records["acled-CIV90012"]?["tags"] == ["crowd size=no report", "women targeted: students"])
    }

    @Test func columnsNoFieldHoldsAreKeptInTheNotes() throws {
        let notes = try #require(records["acled-MLI90001"]?["notes"]?.stringValue)
        let (text, kept) = KeptColumns.split(notes, dataset: "ACLED")
        #expect(text == "Soldiers and militants exchanged fire near the market.")
        #expect(kept.columns["inter1"] == "1")
        #expect(kept.columns["timestamp"] == "1700000001")
        #expect(kept.columns["event_date"] == nil)  // the record says it exactly
        let dated = KeptColumns.split(records["acled-MLI90009"]?["notes"]?.stringValue ?? "", dataset: "ACLED").kept
        #expect(dated.columns["event_date"] == "09-05-2023")
    }

    @Test func exportGivesBackTheSameRows() throws {
        let original = try Fixture.rows(
            String(decoding: Data(contentsOf: URL(fileURLWithPath: Fixture.path("acled-sample.csv"))), as: UTF8.self))
        let exporter = CSVExport(format: .acled)
        let canonical = try records.values.map(Fixture.canonical).sorted { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
        let exported = try Fixture.rows(exporter.text(canonical))
        #expect(exported[0] == ACLEDMapping.columns)
        let byID = Dictionary(uniqueKeysWithValues: original.dropFirst().map { ($0[0], $0) })
        for row in exported.dropFirst() { #expect(row == byID[row[0]]) }
        #expect(exported.count == original.count)
    }

    @Test func anEditedFieldWinsOverTheKeptCell() throws {
        var record = try #require(records["acled-MLI90009"]).objectValue!
        record["date"] = ["type": "instant", "start": "2023-05-10", "end": nil, "approximate": false]
        let exporter = CSVExport(format: .acled)
        let row = exporter.values(for: try Fixture.canonical(.object(record)))
        let column = { (name: String) in row[ACLEDMapping.columns.firstIndex(of: name)!] }
        #expect(column("event_date") == "2023-05-10")
        #expect(column("inter1") == "1")  // columns no field holds stay
        #expect(column("timestamp") == "1700000009")
    }

    @Test func aBadDateIsNamedByLineColumnAndValue() throws {
        let error = #expect(throws: InterchangeError.self) { _ = try Fixture.records("acled-bad-date.csv", .acled) }
        #expect(error?.description == "acled-bad-date.csv line 6, column \"event_date\": \"31-02-2023\": day must be 01-28 for 2023-02")
    }

    @Test func aMissingColumnOrAnUnknownOneIsNamed() throws {
        func error(_ format: CSVFormat, _ text: String) -> String? {
            let e = #expect(throws: InterchangeError.self) {
                _ = try CSVImport(format: format).body(stream: InputStream(data: Data(text.utf8)), file: "f.csv")
            }
            return e?.description
        }
        let withoutDate = ACLEDMapping.columns.filter { $0 != "event_date" }.joined(separator: ",")
        #expect(
            error(.acled, withoutDate + "\n")?.hasPrefix(
                "f.csv line 1, column \"event_date\": the header has no such column, which this format needs") == true)
        #expect(error(.csv, "id,kind,title,category,colour\n")?.hasPrefix("f.csv line 1, column \"colour\": unknown column") == true)
    }

    @Test func otherBadCellsAreNamedToo() throws {
        let header = ACLEDMapping.columns.joined(separator: ",")
        func error(_ change: (inout [String]) -> Void) -> String? {
            var row = ACLEDMapping.columns.map { _ in "" }
            row[0] = "X1"
            row[1] = "2023-01-01"
            row[3] = "1"
            row[5] = "Battles"
            row[21] = "Place"
            change(&row)
            let text = header + "\n" + row.joined(separator: ",") + "\n"
            let e = #expect(throws: InterchangeError.self) {
                _ = try CSVImport(format: .acled).body(stream: InputStream(data: Data(text.utf8)), file: "f.csv")
            }
            return e?.description
        }
        #expect(
            error { $0[3] = "4" }
                == "f.csv line 2, column \"time_precision\": \"4\": must be 1 (the day is known), 2 (the week) or 3 (the month)")
        #expect(
            error {
                $0[22] = "95"
                $0[23] = "1"
            } == "f.csv line 2, column \"latitude\": \"95\": must be between -90.0 and 90.0")
        #expect(
            error { $0[22] = "12" } == "f.csv line 2, column \"longitude\": \"\": latitude and longitude are given together or not at all")
        #expect(error { $0[28] = "many" } == "f.csv line 2, column \"fatalities\": \"many\": must be a whole number")
        #expect(error { $0[0] = "bad id" }?.hasPrefix("f.csv line 2, column \"event_id_cnty\": \"bad id\": must be 1-122") == true)
    }
}
