import Foundation
import RelInterchange
import RelModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl import --format acled|ucdp|csv` and `export --format acled|ucdp|csv` with the real
/// binaries, on the ACLED- and GED-shaped fixtures of RelInterchangeTests.
@Suite struct CSVImportExportTests {
    static let acled = Binaries.packageRoot.appendingPathComponent("Tests/RelInterchangeTests/Fixtures/acled-sample.csv").path
    static let ucdp = Binaries.packageRoot.appendingPathComponent("Tests/RelInterchangeTests/Fixtures/ucdp-sample.csv").path
    static let badDate = Binaries.packageRoot.appendingPathComponent("Tests/RelInterchangeTests/Fixtures/acled-bad-date.csv").path

    /// The rows of a CSV file, header first.
    static func rows(_ path: String) throws -> [[String]] {
        let reader = try CSVRowReader(stream: InputStream(fileAtPath: path)!, file: path)
        var rows = [reader.header]
        while let row = try reader.next() { rows.append(row.values) }
        return rows
    }

    @Test func acledImportListExportAndReimport() throws {
        try withDaemon { d in
            let first = try d.relctl("import", "--format", "acled", Self.acled)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "Imported: 12 created, 0 updated, 0 unchanged.\n")
            let list = try JSONValue.parse(Data(try d.relctl("--json", "list").stdout.utf8))
            #expect(list["total"] == 12)
            let ids = (list["records"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(ids.contains("acled-MLI90008"))

            // The export gives back the rows (quoting and the BOM aside), in id order.
            let out = d.dir.file("out.csv")
            let export = try d.relctl("export", "--format", "acled", "-o", out)
            #expect(export.status == 0, "\(export.stderr)")
            let input = try Self.rows(Self.acled)
            let exported = try Self.rows(out)
            #expect(exported[0] == input[0])
            #expect(exported.dropFirst().sorted { $0[0] < $1[0] } == input.dropFirst().sorted { $0[0] < $1[0] })

            // Importing the same file, or the export, changes nothing.
            let again = try d.relctl("import", "--format", "acled", Self.acled)
            #expect(again.stdout == "Imported: 0 created, 0 updated, 12 unchanged.\n", "\(again.stderr)")
            let back = try d.relctl("import", "--format", "acled", out)
            #expect(back.stdout == "Imported: 0 created, 0 updated, 12 unchanged.\n", "\(back.stderr)")

            // A newer export with one row changed changes only that record.
            let text = try String(contentsOfFile: Self.acled, encoding: .utf8)
            let changed = d.dir.file("changed.csv")
            try Data(text.replacingOccurrences(of: "An army post was attacked.,12,", with: "An army post was attacked.,13,").utf8)
                .write(to: URL(fileURLWithPath: changed))
            #expect(text.contains("An army post was attacked.,12,"))
            let newer = try d.relctl("import", "--format", "acled", changed)
            #expect(newer.stdout == "Imported: 0 created, 1 updated, 11 unchanged.\n", "\(newer.stderr)")
            let shown = try JSONValue.parse(Data(try d.relctl("--json", "show", "acled-BFA90010").stdout.utf8))
            #expect(shown["fatalities"] == 13 || shown["record"]?["fatalities"] == 13)
        }
    }

    @Test func ucdpImportExportAndReimport() throws {
        try withDaemon { d in
            let first = try d.relctl("import", "--format", "ucdp", Self.ucdp)
            #expect(first.stdout == "Imported: 5 created, 0 updated, 0 unchanged.\n", "\(first.stderr)")

            // The export gives back the rows, header and all, in id order.
            let out = d.dir.file("ged.csv")
            let export = try d.relctl("export", "--format", "ucdp", "-o", out)
            #expect(export.status == 0, "\(export.stderr)")
            #expect(export.stderr == "Exported to \(out).\n")
            let input = try Self.rows(Self.ucdp)
            let exported = try Self.rows(out)
            #expect(exported == input)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasSuffix(",432,\r\n"))

            // Importing the export changes nothing; the filters choose the rows.
            let back = try d.relctl("import", "--format", "ucdp", out)
            #expect(back.stdout == "Imported: 0 created, 0 updated, 5 unchanged.\n", "\(back.stderr)")
            let mali = d.dir.file("mali.csv")
            #expect(try d.relctl("export", "--format", "ucdp", "--party", "ML", "-o", mali).status == 0)
            #expect(try Self.rows(mali).dropFirst().map { $0[0] }.sorted() == ["900001", "900002", "900003"])

            // A record that never was a GED row is written with what its fields give.
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let events = d.dir.file("events.csv")
            let all = try d.relctl("export", "--format", "ucdp", "--kind", "event", "-o", events)
            #expect(all.status == 0, "\(all.stderr)")
            let rows = try Self.rows(events)
            #expect(rows.count == 1 + 5 + 46)
            let column = { (name: String) in input[0].firstIndex(of: name)! }
            let ambush = try #require(rows.first { $0[0] == "mlru-e31" })
            #expect(ambush[column("date_start")] == "2024-07-27")
            #expect(ambush[column("date_prec")] == "2")
            #expect(ambush[column("side_a")] == "Strategic Framework for the Defense of the People of Azawad (CSP-DPA)")
            #expect(ambush[column("side_b")] == "Malian Armed Forces (FAMa)")
            #expect(ambush[column("where_coordinates")] == "Tin Zaouatine (Tinzaouaten)")
            #expect(ambush[column("country")] == "Mali")
        }
    }

    @Test func aBadRowNamesLineColumnAndValueAndNothingIsImported() throws {
        try withDaemon { d in
            let bad = try d.relctl("import", "--format", "acled", Self.badDate)
            #expect(bad.status == 1)
            #expect(
                bad.stderr.contains("line 6, column \"event_date\": \"31-02-2023\": day must be 01-28 for 2023-02; nothing was imported"),
                "\(bad.stderr)")
            let list = try JSONValue.parse(Data(try d.relctl("--json", "list").stdout.utf8))
            #expect(list["total"] == 0)
            let missing = try d.relctl("import", "--format", "acled", d.dir.file("nope.csv"))
            #expect(missing.status == 2)
        }
    }

    @Test func ownCSVRoundTripsThroughStandardInput() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            #expect(try d.relctl("import", "--format", "acled", Self.acled).status == 0)
            let csv = try d.relctl("export", "--format", "csv")
            #expect(csv.status == 0, "\(csv.stderr)")
            let filtered = try d.relctl("export", "--format", "csv", "--kind", "agreement")
            #expect(filtered.stdout.split(separator: "\r\n").count == 1 + 7)

            let dir2 = try TempDir()
            defer { dir2.remove() }
            let d2 = try Daemon(dir: dir2)
            defer { _ = try? d2.stop(SIGKILL) }
            let imported = try d2.relctl(["import", "--format", "csv", "-"], stdin: Data(csv.stdout.utf8))
            #expect(imported.stdout == "Imported: 65 created, 0 updated, 0 unchanged.\n", "\(imported.stderr)")
            let same = try d2.relctl("export").stdout == (try d.relctl("export").stdout)
            #expect(same, "the records came back the same")
        }
    }
}
