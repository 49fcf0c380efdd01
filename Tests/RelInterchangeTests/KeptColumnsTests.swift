import Foundation
import OrderedCollections
import RelInterchange
import RelModel
import Testing

/// The line of kept columns at the end of `notes`, and its bounds.
@Suite struct KeptColumnsTests {
    @Test func appendedAndSplitBack() {
        let kept = KeptColumns(dataset: "ACLED", columns: ["inter1": "1", "notes\"odd": "a\nb"])
        for notes in ["", "One line.", "Ends in a newline\n", "Two\n\nparagraphs"] {
            let joined = kept.appended(to: notes)
            let (text, back) = KeptColumns.split(joined, dataset: "ACLED")
            #expect(text == notes)
            #expect(back == kept)
            #expect(!joined.contains("\r"))
        }
        // Notes without the line, or with another dataset's, are all text.
        #expect(KeptColumns.split("Plain notes", dataset: "ACLED").notes == "Plain notes")
        let ucdp = KeptColumns(dataset: "UCDP", columns: ["relid": "x"]).appended(to: "n")
        #expect(KeptColumns.split(ucdp, dataset: "ACLED").notes == ucdp)
        #expect(KeptColumns.split("n\n\nACLED columns: not json", dataset: "ACLED").kept.columns.isEmpty)
    }

    @Test func boundsAreCheckedWithTheColumnNamed() throws {
        func header(_ names: [String]) -> String { (ACLEDMapping.columns + names).joined(separator: ",") }
        func row(_ extra: [String]) -> String {
            var cells = ACLEDMapping.columns.map { _ in "" }
            cells[0] = "X1"
            cells[1] = "2023-01-01"
            cells[3] = "1"
            cells[5] = "Battles"
            return (cells + extra).joined(separator: ",")
        }
        func error(_ names: [String], _ extra: [String]) -> InterchangeError? {
            let text = header(names) + "\n" + row(extra) + "\n"
            return #expect(throws: InterchangeError.self) {
                _ = try CSVImport(format: .acled).body(stream: InputStream(data: Data(text.utf8)), file: "f.csv")
            }
        }
        let many = (1...70).map { "extra\($0)" }
        #expect(error(many, many.map { _ in "v" })?.reason.hasPrefix("more than 64 columns would be kept") == true)
        let long = error(["long"], [String(repeating: "x", count: 2_001)])
        #expect(long?.column == "long")
        #expect(long?.reason == "is longer than the 2000 characters kept for a column no field holds")
    }

    @Test func datesAsDatasetsWriteThem() throws {
        let header = "event_id_cnty,event_date,time_precision,event_type\n"
        for (cell, day) in [
            ("2023-02-07", "2023-02-07"), ("07-02-2023", "2023-02-07"), ("07/02/2023", "2023-02-07"),
            ("7 February 2023", "2023-02-07"), ("29 Feb 2024", "2024-02-29"),
        ] {
            let text = header + "X1,\(cell),1,Battles\n"
            let body = try CSVImport(format: .acled).body(stream: InputStream(data: Data(text.utf8)), file: "f").body
            #expect(try JSONValue.parse(body).arrayValue?.first?["date"]?["start"] == .string(day), "\(cell)")
        }
    }
}
