import Foundation
import Testing

/// import and export: the sample data goes in and comes out with nothing lost.
@Suite struct ImportExportTests {
    /// A seed record as reld writes it: the same, plus the `source.url` member reld's schema adds.
    static func canonical(_ seed: [String: Any]) -> NSDictionary {
        var r = seed
        if var source = r["source"] as? [String: Any] {
            source["url"] = source["url"] ?? NSNull()
            r["source"] = source
        }
        return r as NSDictionary
    }

    @Test func seedRoundTripsWithNothingLost() throws {
        try withDaemon { d in
            let first = try d.relctl("import", Binaries.seedRecords)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "Imported: 53 created, 0 updated, 0 unchanged.\n")
            let pending = try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])["pending_changes"] as? Int

            let again = try d.relctl("--json", "import", Binaries.seedRecords)
            #expect(try parseJSON(again.stdout) as? [String: Int] == ["created": 0, "updated": 0, "unchanged": 53])
            let pendingAfter =
                try #require(try parseJSON(try d.relctl("--json", "status").stdout) as? [String: Any])["pending_changes"] as? Int
            #expect(pending == pendingAfter, "importing the same file twice changes nothing")

            let exportFile = d.dir.file("export.json")
            let export = try d.relctl("export", "--output", exportFile)
            #expect(export.status == 0, "\(export.stderr)")
            let seed = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Binaries.seedRecords))) as? [[String: Any]])
            let exported = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: exportFile))) as? [[String: Any]])
            #expect(exported.count == 53)
            let byID = Dictionary(uniqueKeysWithValues: exported.map { ($0["id"] as! String, $0 as NSDictionary) })
            for record in seed {
                let id = record["id"] as! String
                #expect(byID[id] == Self.canonical(record), "record \(id) comes back exactly")
            }

            // The export feeds a fresh node, whose own export is byte for byte the same.
            let dir2 = try TempDir()
            defer { dir2.remove() }
            let d2 = try Daemon(dir: dir2)
            defer { _ = try? d2.stop(SIGKILL) }
            #expect(try d2.relctl("import", exportFile).status == 0)
            let export2 = try d2.relctl("export")
            #expect(export2.stdout == (try String(contentsOfFile: exportFile, encoding: .utf8)))
        }
    }

    @Test func importFromStdin() throws {
        try withDaemon { d in
            let body = Data(#"[{"kind":"event","title":"From stdin","category":"security","id":"s-1"}]"#.utf8)
            let out = try d.relctl(["import", "-"], stdin: body)
            #expect(out.status == 0, "\(out.stderr)")
            #expect(try d.relctl("show", "s-1").stdout.contains("From stdin"))
        }
    }

    @Test func oneBadRecordImportsNothingAndNamesIt() throws {
        try withDaemon { d in
            var seed = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Binaries.seedRecords))) as? [[String: Any]])
            var date = seed[40]["date"] as! [String: Any]
            date["start"] = "2023-13-01"
            date["type"] = "instant"
            date["end"] = NSNull()
            date["precision"] = "day"
            seed[40]["date"] = date
            let file = d.dir.file("bad.json")
            try JSONSerialization.data(withJSONObject: seed).write(to: URL(fileURLWithPath: file))
            let out = try d.relctl("import", file)
            #expect(out.status == 1)
            #expect(out.stderr.contains("record 41"), "\(out.stderr)")
            #expect(out.stderr.contains(seed[40]["id"] as! String))
            #expect(out.stderr.contains("field date.start: \"2023-13-01\": month must be 01-12"), "\(out.stderr)")
            #expect(out.stderr.contains("nothing was imported"))
            #expect(try d.relctl("list").stdout == "No records match.\n")
        }
    }

    @Test func malformedAndWrongShapeFilesAreRefused() throws {
        try withDaemon { d in
            let cases: [(String, String)] = [
                ("[{\"kind\": \"event\",", "malformed JSON"),
                ("{\"kind\": \"event\"}", "must be a JSON array"),
                ("[{\"kind\":\"event\",\"title\":\"x\",\"category\":\"military\",\"colour\":\"red\"}]", "field colour: unknown field"),
                (
                    "[{\"id\":\"a\",\"kind\":\"event\",\"title\":\"x\",\"category\":\"military\"},{\"id\":\"a\",\"kind\":\"event\",\"title\":\"y\",\"category\":\"military\"}]",
                    "appears twice"
                ),
            ]
            for (text, message) in cases {
                let out = try d.relctl(["import", "-"], stdin: Data(text.utf8))
                #expect(out.status == 1, "\(text)")
                #expect(out.stderr.contains(message), "\(text): \(out.stderr)")
            }
            let missing = try d.relctl("import", d.dir.file("does-not-exist.json"))
            #expect(missing.status == 2 && missing.stderr.contains("cannot read it"))
            #expect(try d.relctl("list").stdout == "No records match.\n")
        }
    }

    @Test func exportIntoAClosedPipeStopsQuietly() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            // `head` closes the pipe after 10 bytes; relctl must end without a crash report.
            let out = try run(
                "/bin/bash", ["-c", "set -o pipefail; '\(Binaries.relctl)' --socket '\(d.socket)' export | head -c 10 >/dev/null"])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(!out.stderr.contains("Fatal error"))
        }
    }
}
