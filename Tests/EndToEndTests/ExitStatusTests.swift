import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// relctl's exit status follows one rule whoever notices the problem (see `relctl --help`):
/// 1 reld could not do it (the ledger's state, a bad record in an import file), 2 what was typed
/// is wrong (whether relctl or reld notices it), 3 reld is not reachable.
@Suite struct ExitStatusTests {
    /// (arguments, exit status, text stderr must contain, text it must not contain)
    static let cases: [([String], Int32, String, String?)] = [
        // A bad date, whether relctl reads it (add-event) or reld does (edit).
        (["add-event", "--title", "x", "--category", "military", "--date", "2023-02-29"], 2, "day must be 01-28 for 2023-02", nil),
        (["edit", "mlru-e01", "--set", "date=2023-02-30"], 2, "day must be 01-28", nil),
        (["list", "--limit", "0"], 2, "--limit 0: must be 1-100000", nil),
        (["list", "--since", "2025", "--until", "2020"], 2, "--until 2020 is before --since 2025", "query parameter"),
        (["edit", "mlru-e01", "--set", "colour=red"], 2, #"--set "colour=red": unknown field"#, nil),
        (["edit", "mlru-e01", "--set", "title="], 2, "must not be empty", nil),
        (["add-event", "--title", "x", "--category", "sports"], 2, "must be one of", nil),
        (["show", "no-such-record"], 1, "no record with id no-such-record", nil),
        (["edit", "no-such-record", "--set", "title=x"], 1, "no record with id no-such-record", nil),
        (["add-event", "--id", "mlru-e01", "--title", "x", "--category", "military"], 1, "exists already", nil),
        // Lists and objects that look like JSON must be JSON; the message shows how to write them.
        (["edit", "mlru-e01", "--set", "tags=[visit, summit]"], 2, #"--set tags=visit,summit or --set 'tags=["visit","summit"]'"#, nil),
        (["edit", "mlru-e01", "--set", #"parties=["ML","#], 2, "starts like JSON but is not valid JSON", nil),
        (["edit", "mlru-e01", "--set", "location={Gao}"], 2, "--set location=Bamako:ML", nil),
        (["resolve", "mlru-e01", "tags", "--take", "[a, b]"], 2, "--take visit,summit", nil),
        (["edit", "mlru-e01", "--set", "tags=a", "--set", "tags=b"], 2, "given twice", nil),
        // Short forms refuse what does not fit, the same way for --actor and --location.
        (
            ["add-event", "--title", "x", "--category", "military", "--actor", "Bob:person:source:RU:extra"], 2,
            "NAME[:TYPE[:ROLE[:COUNTRY]]]", nil
        ),
        (["add-event", "--title", "x", "--category", "military", "--location", "Gao:ML:extra"], 2, "NAME[:COUNTRY]", nil),
        (["edit", "mlru-e01", "--set", "actors=Bob:person:source:RU:extra"], 2, "NAME[:TYPE[:ROLE[:COUNTRY]]]", nil),
        // What ArgumentParser alone would get wrong or let through.
        (["list", "--limit", "-1"], 2, "--limit -1: must be 1-100000", "Missing value"),
        (["list", "--offset", "-1"], 2, "--offset -1: must be 0 or more", "Missing value"),
        (["add-event", "--title", "x", "--category", "military", "--fatalities", "-5"], 2, "--fatalities -5: must be 0 or more", nil),
        (["add-event", "--title", "a", "--title", "b", "--category", "military"], 2, "--title given twice", nil),
        (["add-event", "--title", "a", "--category", "military", "--date", "2023", "--date", "2024"], 2, "--date given twice", nil),
        (["list", "--limit", "5", "--limit=6"], 2, "--limit given twice", nil),
        (["bogus"], 2, #"unknown command "bogus""#, "--socket"),
        (["list", "--since", "2022/.."], 2, "is not a single date", "four digits"),
        (["add-event", "--title", "x", "--category", "military", "--date", "..2022"], 2, "the start is missing", "four digits"),
        // --add / --remove.
        (["edit", "mlru-e01", "--remove", "tags=never-there"], 1, "has no item \"never-there\"", nil),
        (["edit", "mlru-e01", "--add", "title=x"], 2, "title is not a list of texts", nil),
        (["edit", "mlru-e01", "--add", "tags=x", "--set", "tags=y"], 2, "both set as a whole and changed item by item", nil),
    ]

    @Test func eachKindOfFailureHasItsStatus() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            let exportBefore = try d.relctl("export").stdout
            for (arguments, status, message, absent) in Self.cases {
                let out = try d.relctl(arguments)
                #expect(out.status == status, "\(arguments): exit \(out.status), stderr: \(out.stderr)")
                #expect(out.stderr.contains(message), "\(arguments): \(out.stderr)")
                if let absent { #expect(!out.stderr.contains(absent), "\(arguments): \(out.stderr)") }
                #expect(out.stdout.isEmpty, "\(arguments) printed: \(out.stdout)")
            }
            #expect(try d.relctl("export").stdout == exportBefore, "nothing was written")

            // A bad record inside an import file is the file's fault (1); an unreadable path is 2.
            let bad = d.dir.file("bad.json")
            try #"[{"kind":"event","title":"x","category":"sports"}]"#.write(toFile: bad, atomically: true, encoding: .utf8)
            let imported = try d.relctl("import", bad)
            #expect(imported.status == 1, "\(imported.stderr)")
            #expect(imported.stderr.contains("nothing was imported"), "\(imported.stderr)")
            #expect(try d.relctl("import", d.dir.file("missing.json")).status == 2)
            let notJSON = d.dir.file("text.json")
            try "not json".write(toFile: notJSON, atomically: true, encoding: .utf8)
            #expect(try d.relctl("import", notJSON).status == 1)
        }
        // reld not reachable.
        let dir = try TempDir()
        defer { dir.remove() }
        let out = try run(Binaries.relctl, ["--socket", dir.file("none.sock"), "status"])
        #expect(out.status == 3, "\(out.stderr)")
    }

    @Test func addAndRemoveChangeOneItemOfAList() throws {
        try withDaemon { d in
            #expect(try d.relctl("add-event", "--id", "e1", "--title", "x", "--category", "military", "--tag", "visit").status == 0)
            #expect(try d.relctl("edit", "e1", "--add", "tags=summit", "--add", "tags=visit", "--add", "parties=ML").status == 0)
            var record = try #require(try parseJSON(try d.relctl("--json", "show", "e1").stdout) as? [String: Any])
            #expect(record["tags"] as? [String] == ["visit", "summit"], "an item there already is not added twice")
            #expect(record["parties"] as? [String] == ["ML"])
            #expect(try d.relctl("edit", "e1", "--remove", "tags=visit").status == 0)
            record = try #require(try parseJSON(try d.relctl("--json", "show", "e1").stdout) as? [String: Any])
            #expect(record["tags"] as? [String] == ["summit"])
            // Valid JSON is still taken as it is.
            #expect(try d.relctl("edit", "e1", "--set", #"tags=["a,b","c"]"#).status == 0)
            record = try #require(try parseJSON(try d.relctl("--json", "show", "e1").stdout) as? [String: Any])
            #expect(record["tags"] as? [String] == ["a,b", "c"])
        }
    }

    @Test func deletedRecordsSayHowToComeBack() throws {
        try withDaemon { d in
            #expect(try d.relctl("import", Binaries.seedRecords).status == 0)
            #expect(try d.relctl("delete", "mlru-e01").status == 0)
            let hint = "record mlru-e01 is deleted; bring it back with `relctl restore mlru-e01`"
            for arguments in [
                ["show", "mlru-e01"], ["edit", "mlru-e01", "--set", "title=x"], ["delete", "mlru-e01"],
                ["add-event", "--id", "mlru-e01", "--title", "x", "--category", "military"],
                ["resolve", "mlru-e01", "title", "--take", "x"], ["resolve", "mlru-e01", "title", "--take", "local"],
            ] {
                let out = try d.relctl(arguments)
                #expect(out.status == 1, "\(arguments): exit \(out.status), \(out.stderr)")
                #expect(out.stderr.contains(hint), "\(arguments): \(out.stderr)")
            }
            let tombstone = try d.relctl("show", "--deleted", "mlru-e01")
            #expect(tombstone.status == 0, "\(tombstone.stderr)")
            #expect(tombstone.stdout.hasPrefix("DELETED: "), "\(tombstone.stdout)")
            #expect(tombstone.stdout.contains("mlru-e01"))
            let state = try #require(try parseJSON(try d.relctl("--json", "show", "--deleted", "mlru-e01").stdout) as? [String: Any])
            #expect(state["deleted"] as? Bool == true)
            #expect((state["record"] as? [String: Any])?["id"] as? String == "mlru-e01")
            let live = try #require(try parseJSON(try d.relctl("--json", "show", "--deleted", "mlru-e02").stdout) as? [String: Any])
            #expect(live["deleted"] as? Bool == false)
            #expect(try d.relctl("show", "--deleted", "no-such").status == 1)

            // restore says whether it restored.
            #expect(try d.relctl("restore", "mlru-e01").stdout == "Restored mlru-e01.\n")
            #expect(try d.relctl("restore", "mlru-e01").stdout == "mlru-e01 is not deleted; nothing to restore.\n")
            let again = try #require(try parseJSON(try d.relctl("--json", "restore", "mlru-e01").stdout) as? [String: Any])
            #expect(again["restored"] as? Bool == false && again["id"] as? String == "mlru-e01")
            #expect(try d.relctl("delete", "mlru-e01").status == 0)
            let back = try #require(try parseJSON(try d.relctl("--json", "restore", "mlru-e01").stdout) as? [String: Any])
            #expect(back["restored"] as? Bool == true)
            let missing = try d.relctl("restore", "no-such")
            #expect(missing.status == 1 && missing.stderr.contains("no record with id no-such"), "\(missing.stderr)")
        }
    }
}
