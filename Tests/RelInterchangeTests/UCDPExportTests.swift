import Foundation
import RelInterchange
import RelModel
import Testing

/// Records to UCDP GED rows: an imported row comes back as it was, any other record with what
/// its fields say, quoted as RFC 4180 wants.
@Suite struct UCDPExportTests {
    let records: [String: JSONValue]
    let exporter = CSVExport(format: .ucdp)

    init() throws {
        records = try Fixture.records("ucdp-sample.csv", .ucdp)
    }

    /// The exported row of one record, by column name.
    func row(_ record: JSONValue) throws -> [String: String] {
        let values = exporter.values(for: try Fixture.canonical(record))
        return Dictionary(uniqueKeysWithValues: zip(UCDPMapping.columns, values).map { ($0, $1) })
    }

    /// The records `text` imports as, by id.
    static func imported(_ text: String) throws -> [String: JSONValue] {
        try Fixture.records(CSVImport(format: .ucdp).body(stream: InputStream(data: Data(text.utf8)), file: "ged.csv").body)
    }

    @Test func exportGivesBackTheFixtureRowForRow() throws {
        let original = try Fixture.rows(
            String(decoding: Data(contentsOf: URL(fileURLWithPath: Fixture.path("ucdp-sample.csv"))), as: UTF8.self))
        let canonical = try records.values.map(Fixture.canonical).sorted { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
        let text = exporter.text(canonical)
        let exported = try Fixture.rows(text)
        #expect(exported[0] == original[0])
        #expect(exported[0] == UCDPMapping.columns)
        #expect(exported.count == original.count)
        for (mine, theirs) in zip(exported.dropFirst(), original.dropFirst()) { #expect(mine == theirs) }
        // Importing the export gives the same records, kept cells included.
        let again = try Self.imported(text)
        for record in canonical {
            let id = try #require(record["id"]?.stringValue)
            #expect(try Fixture.canonical(try #require(again[id])) == record, "\(id)")
        }
    }

    @Test func anEditedFieldWinsAndTheColumnsNoFieldHoldsStay() throws {
        var record = try #require(records["ucdp-900003"]).objectValue!
        record["date"] = ["type": "instant", "start": "2023-03-04", "end": nil, "approximate": false]
        record["fatalities"] = 11
        let row = try row(.object(record))
        // The kept "2023-03-01 00:00:00.000" no longer says what the record says.
        #expect(row["date_start"] == "2023-03-04")
        #expect(row["date_end"] == "2023-03-04")
        #expect(row["date_prec"] == "1")
        #expect(row["best"] == "11")
        #expect(row["low"] == "8")  // kept as imported, even if it no longer agrees with best
        #expect(row["high"] == "14")
        #expect(row["relid"] == "MLI-2023-1-900003-1")
        #expect(row["dyad_name"] == "IS Sahel - JNIM")
        // Every column a field holds follows the field once the record is edited: geo_precision
        // 3 writes where_prec 3, where the import had 4 (as acled export writes its fields too).
        #expect(row["where_prec"] == "3")
    }

    @Test func aRecordThatWasNeverAGEDRowGetsWhatItsFieldsSay() throws {
        let event: JSONValue = [
            "id": "mlru-e31", "kind": "event", "title": "Ambush near Tin Zaouatine", "category": "military",
            "date": "2024-07-27~", "parties": ["ML", "RU"],
            "actors": [
                ["name": "Malian Armed Forces", "type": "military", "role": "target"],
                ["name": "CSP-DPA", "type": "armed_group", "role": "source"],
                ["name": "A witness", "role": "mentioned"],
            ],
            "location": [
                "name": "Tin Zaouatine", "country": "ML", "admin1": "Kidal", "latitude": 19.95, "longitude": 2.9, "geo_precision": 2,
            ],
            "source": ["title": "A report", "url": "https://example.org/r"], "notes": "Not a GED row.", "fatalities": 47,
        ]
        let row = try row(event)
        #expect(row["id"] == "mlru-e31")
        #expect(row["year"] == "2024")
        #expect(row["date_start"] == "2024-07-27")
        #expect(row["date_end"] == "2024-07-27")
        #expect(row["date_prec"] == "2")  // approximate
        #expect(row["side_a"] == "CSP-DPA")
        #expect(row["side_b"] == "Malian Armed Forces")
        #expect(row["where_coordinates"] == "Tin Zaouatine")
        #expect(row["adm_1"] == "Kidal")
        #expect(row["country"] == "Mali")
        #expect(row["latitude"] == "19.95")
        #expect(row["where_prec"] == "2")
        #expect(row["source_article"] == "A report")
        #expect(row["best"] == "47")
        // No field says these; the title and notes have no GED column.
        for column in ["relid", "type_of_violence", "conflict_name", "dyad_name", "low", "high", "country_id", "region"] {
            #expect(row[column] == "", "\(column)")
        }

        // Its row imports as a GED event with the same date, place, sides and deaths.
        let text = exporter.text([try Fixture.canonical(event)])
        let back = try #require(try Self.imported(text)["ucdp-mlru-e31"])
        #expect(back["date"] == ["type": "instant", "start": "2024-07-27", "end": nil, "approximate": true])
        #expect(back["actors"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["CSP-DPA", "Malian Armed Forces"])
        #expect(back["location"]?["name"] == "Tin Zaouatine")
        #expect(back["parties"] == ["ML"])
        #expect(back["fatalities"] == 47)
    }

    @Test func datesBecomeAFirstAndALastDayWithTheirPrecision() throws {
        func cells(_ date: JSONValue, kind: String = "event") throws -> [String?] {
            let record: JSONValue = ["id": "d1", "kind": .string(kind), "title": "T", "category": "security", "date": date]
            let row = try row(record)
            return [row["date_start"], row["date_end"], row["date_prec"], row["year"]]
        }
        #expect(try cells("2023-02-07") == ["2023-02-07", "2023-02-07", "1", "2023"])
        #expect(try cells("2023-02-07..2023-02-09") == ["2023-02-07", "2023-02-09", "2", "2023"])
        #expect(try cells("2023-02-07..2023-02-13") == ["2023-02-07", "2023-02-13", "3", "2023"])
        #expect(try cells("2023-02") == ["2023-02-01", "2023-02-28", "4", "2023"])
        #expect(try cells("2021", kind: "agreement") == ["2021-01-01", "2021-12-31", "5", "2021"])
        #expect(try cells("1960/1991") == ["1960-01-01", "1991-12-31", "5", "1960"])
        // GED has no open end and no unknown date: the cells stay empty, and import refuses the row.
        #expect(try cells("2022/..") == ["", "", "", ""])
        #expect(try cells("unknown") == ["", "", "", ""])
    }

    @Test func commasQuotesAndLineBreaksAreQuoted() throws {
        let event: JSONValue = [
            "id": "q1", "kind": "event", "title": "T", "category": "security", "date": "2023-05-01",
            "actors": [["name": "Front \"Nord\", faction A", "role": "participant"], ["name": "Civilians", "role": "participant"]],
            "source": ["title": "Agency, 2023-05-02\nsecond line"],
        ]
        let text = exporter.text([try Fixture.canonical(event)])
        #expect(text.contains(",\"Front \"\"Nord\"\", faction A\","))
        #expect(text.contains(",\"Agency, 2023-05-02\nsecond line\","))
        #expect(text.hasSuffix("\r\n"))
        #expect(text.components(separatedBy: "\r\n").count == 3)  // header, row, and the empty rest
        let rows = try Fixture.rows(text)
        #expect(rows[1][UCDPMapping.columns.firstIndex(of: "side_a")!] == "Front \"Nord\", faction A")
        let back = try #require(try Self.imported(text)["ucdp-q1"])
        #expect(back["source"]?["title"] == "Agency, 2023-05-02\nsecond line")
        #expect(back["actors"]?.arrayValue?.first?["name"] == "Front \"Nord\", faction A")
    }

    @Test func nonASCIINamesComeBackAsTheyWere() throws {
        let event: JSONValue = [
            "id": "n1", "kind": "event", "title": "T", "category": "military", "date": "2023-05-01",
            "actors": [["name": "Forces armées maliennes", "role": "participant"], ["name": "Группа Вагнера", "role": "participant"]],
            "location": ["name": "Ménaka – ville", "country": "CI", "admin1": "مقاطعة"],
        ]
        let text = exporter.text([try Fixture.canonical(event)])
        let row = try row(event)
        #expect(row["country"] == "Côte d'Ivoire")
        let back = try #require(try Self.imported(text)["ucdp-n1"])
        #expect(back["actors"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Forces armées maliennes", "Группа Вагнера"])
        #expect(back["location"]?["name"] == "Ménaka – ville")
        #expect(back["location"]?["admin1"] == "مقاطعة")
        #expect(back["parties"] == ["CI"])
    }
}
