import Foundation
import RelInterchange
import RelModel
import Testing

/// Our own columns: export then import gives the same records, whatever they hold.
@Suite struct OwnCSVMappingTests {
    static let samples: [JSONValue] = [
        [
            "id": "e1", "kind": "event", "title": "Visit, with \"quotes\"", "category": "diplomatic",
            "date": "2023-02-07~", "parties": ["ML", "RU"], "tags": ["visit", "semi;colon", " padded"],
            "actors": [["name": "Sergei Lavrov", "type": "person", "role": "source", "country": "RU"]],
            "location": ["name": "Bamako", "country": "ML", "latitude": 12.6392, "longitude": -8.0, "geo_precision": 1],
            "source": ["title": "A report", "url": "https://example.org/r", "genre": "news", "citation_markers": ["[1]"]],
            "notes": "Two\nlines, and a comma", "fatalities": 0, "related_ids": ["a1"],
            "codes": ["acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"],
        ],
        [
            "id": "a1", "kind": "agreement", "title": "Défense accord", "category": "military", "date": "2021/..",
            "status": "signed", "agreement_type": "alliance", "alliance_obligations": ["defense"], "date_signed": "2021-12",
            "source": ["genre": "opinion"],
        ],
        ["id": "u1", "kind": "event", "title": "Unknown date", "category": "security", "claim_status": "alleged", "source": [:]],
        ["id": "w1", "kind": "event", "title": "Window", "category": "security", "date": "1960..1961", "location": ["name": "Somewhere"]],
    ]

    @Test func exportThenImportGivesTheSameRecords() throws {
        let canonical = try Self.samples.map(Fixture.canonical)
        let text = CSVExport(format: .csv).text(canonical)
        let back = try Fixture.records(CSVImport(format: .csv).body(stream: InputStream(data: Data(text.utf8)), file: "own.csv").body)
        #expect(back.count == canonical.count)
        for record in canonical {
            let id = try #require(record["id"]?.stringValue)
            #expect(try Fixture.canonical(try #require(back[id])) == record, "\(id)")
        }
    }

    @Test func headerIsOurColumnsAndListsReadBothWays() throws {
        let text = CSVExport(format: .csv).text([try Fixture.canonical(Self.samples[0])])
        #expect(text.hasPrefix(OwnCSVMapping.columns.joined(separator: ",") + "\r\n"))
        #expect(text.contains("\"[\"\"visit\"\",\"\"semi;colon\"\",\"\" padded\"\"]\""))
        let rows = try Fixture.rows("kind,title,category,parties\nevent,T,security,ML; RU\n")
        #expect(rows[1][3] == "ML; RU")
        let back = try Fixture.records(
            CSVImport(format: .csv).body(
                stream: InputStream(data: Data("kind,title,category,parties\nevent,T,security,ML; RU\n".utf8)), file: "f"
            ).body)
        #expect(back.values.first?["parties"] == ["ML", "RU"])
        #expect(back.values.first?["id"] == nil)  // reld gives it an id
    }

    @Test func unknownColumnsAndBadValuesAreNamed() throws {
        func error(_ text: String) -> String? {
            let e = #expect(throws: InterchangeError.self) {
                _ = try CSVImport(format: .csv).body(stream: InputStream(data: Data(text.utf8)), file: "f.csv")
            }
            return e?.description
        }
        #expect(
            error("kind,title,category,colour\n")?.hasPrefix("f.csv line 1, column \"colour\": unknown column; known columns are: id, kind")
                == true)
        #expect(error("kind,title\n")?.hasPrefix("f.csv line 1, column \"category\": the header has no such column") == true)
        #expect(
            error("kind,title,category\nevent,T,sports\n")
                == "f.csv line 2, column \"category\": \"sports\": must be one of: diplomatic, military, security, economic, energy, mining, agriculture, political (field category)"
        )
        #expect(
            error("kind,title,category,date_start\nevent,T,security,2023-13-01\n")
                == "f.csv line 2, column \"date_start\": \"2023-13-01\": month must be 01-12 (field date.start)")
        // A repeated id is reld's to find, in bounded memory (StreamedImportTests); rows are checked one by one.
        #expect(throws: Never.self) {
            let twice = "id,kind,title,category\nx1,event,T,security\nx1,event,U,security\n"
            _ = try CSVImport(format: .csv).body(stream: InputStream(data: Data(twice.utf8)), file: "f.csv")
        }
    }
}
