import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Text as people type it, through the real relctl, reld and relhub: a title typed decomposed
/// (NFD, as macOS writes it) is found by a search typed composed (NFC) and the other way round,
/// whether it came from the command line, an import file or a feed; and human tables stay one
/// line per record, within the width, whatever a title holds.
@Suite struct TextEndToEndTests {
    static let composed = "R\u{E9}union \u{E0} S\u{E9}gou"
    static let decomposed = "Re\u{301}union a\u{300} Se\u{301}gou"
    /// UTF-8 of U+0301 and U+0300, which only decomposed text holds.
    static let combiningMarks: [[UInt8]] = [[0xCC, 0x81], [0xCC, 0x80]]

    static func holdsDecomposedText(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return combiningMarks.contains { mark in bytes.indices.dropLast().contains { bytes[$0] == mark[0] && bytes[$0 + 1] == mark[1] } }
    }

    /// relctl's environment without `COLUMNS`, plus `extra`: table widths must not depend on
    /// the terminal the tests run from.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = nil
        return env.merging(extra) { $1 }
    }

    func relctl(_ d: Daemon, _ arguments: [String], columns: String? = nil) throws -> Output {
        try run(Binaries.relctl, ["--socket", d.socket] + arguments, environment: Self.environment(columns.map { ["COLUMNS": $0] } ?? [:]))
    }

    func ids(_ d: Daemon, _ arguments: [String]) throws -> [String] {
        let out = try relctl(d, ["--json", "list"] + arguments)
        #expect(out.status == 0, "\(out.stderr)")
        let page = try parseJSON(out.stdout) as? [String: Any] ?? [:]
        return (page["records"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func textTypedEitherWayIsFoundEitherWay() throws {
        try withDaemon { d in
            for (id, title, party) in [
                ("typed-nfd", Self.decomposed, "Groupe de Se\u{301}gou"), ("typed-nfc", Self.composed, "Groupe de S\u{E9}gou"),
            ] {
                let added = try relctl(
                    d,
                    [
                        "add-event", "--id", id, "--title", title, "--category", "diplomatic",
                        "--date", "2023", "--party", "ML", "--party", party,
                    ])
                #expect(added.status == 0, "\(added.stderr)")
            }
            let file = d.dir.file("nfd.json")
            try """
            [{"id": "imported-nfd", "kind": "event", "title": "Se\u{301}ance a\u{300} Se\u{301}gou", "category": "political",
              "date": "2024", "parties": ["ML", "Groupe de Se\\u0301gou"], "tags": ["re\u{301}union"]}]
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try relctl(d, ["import", file])
            #expect(imported.status == 0, "\(imported.stderr)")

            // Sorted by date, then id.
            let everyone = ["typed-nfc", "typed-nfd", "imported-nfd"]
            for text in ["S\u{E9}gou", "Se\u{301}gou"] {
                #expect(try ids(d, ["--text", text]) == everyone, "--text \(text.unicodeScalars.map(\.value))")
            }
            #expect(try ids(d, ["--text", "r\u{E9}union"]) == everyone)  // titles and tags
            for party in ["Groupe de S\u{E9}gou", "Groupe de Se\u{301}gou"] {
                #expect(try ids(d, ["--party", party]) == everyone)
            }
            // The human table finds them too.
            let table = try relctl(d, ["list", "--text", "Se\u{301}gou"])
            #expect(table.status == 0 && table.stdout.contains("typed-nfd") && table.stdout.contains("imported-nfd"), "\(table.stdout)")

            // An edit typed decomposed is stored composed as well.
            #expect(try relctl(d, ["edit", "typed-nfc", "--set", "title=Nouvelle re\u{301}union"]).status == 0)
            #expect(try ids(d, ["--text", "nouvelle r\u{E9}union"]) == ["typed-nfc"])

            // Nothing stored holds decomposed text: what a script reads is NFC.
            let all = try relctl(d, ["--json", "list"])
            #expect(all.status == 0, "\(all.stderr)")
            #expect(all.stdout.contains("imported-nfd"))
            #expect(!Self.holdsDecomposedText(all.stdout))
        }
    }

    @Test func decomposedTextPushedByAnOldReplicaReachesEveryReplicaComposed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        let tokenText = try Hub.tokenText(token)
        let hub = try Hub.start(dir: dir, tokenFile: token)
        let feed = "http://127.0.0.1:\(hub.port)"
        let b = try Daemon(
            dir: dir, stateDir: dir.file("b"), socket: dir.file("b.sock"),
            extraArguments: ["--feed", feed, "--sync-interval", "3600", "--token-file", token])
        defer { _ = try? b.stop(SIGKILL) }

        // What a replica from before normalisation pushes: text as typed, decomposed.
        let hlc = (Int64(Date().timeIntervalSince1970 * 1000) - 60_000) << 16
        let values: [(String, String)] = [
            ("_kind", "\"event\""), ("title", "\"\(Self.decomposed)\""), ("category", "\"political\""),
            ("parties", "[\"ML\", \"Groupe de Se\\u0301gou\"]"),
        ]
        let changes = values.enumerated().map { i, fv in
            "{\"node\": \"old-replica\", \"node_seq\": \(i + 1), \"record_id\": \"from-feed\", \"field\": \"\(fv.0)\", \"value\": \(fv.1), \"hlc\": \(hlc), \"bases\": []}"
        }
        let push = try run(
            "/usr/bin/env",
            [
                "curl", "-sS", "-X", "POST", "-H", "Authorization: Bearer \(tokenText)",
                "-H", "Content-Type: application/json", "--data-binary", "@-", "\(feed)/v1/changes",
            ],
            stdin: Data("{\"changes\": [\(changes.joined(separator: ","))]}".utf8))
        #expect(push.status == 0 && push.stdout.contains("\"accepted\":4"), "\(push.stdout) \(push.stderr)")

        // The hub serves it composed, and the replica that pulls it finds it either way.
        let page = try run("/usr/bin/env", ["curl", "-sS", "-H", "Authorization: Bearer \(tokenText)", "\(feed)/v1/changes?since=0"])
        #expect(page.stdout.contains("from-feed") && !Self.holdsDecomposedText(page.stdout), "\(page.stdout)")
        #expect(try relctl(b, ["sync"]).status == 0)
        #expect(try ids(b, ["--text", "S\u{E9}gou"]) == ["from-feed"])
        #expect(try ids(b, ["--text", "Se\u{301}gou"]) == ["from-feed"])
        #expect(try ids(b, ["--party", "Groupe de S\u{E9}gou"]) == ["from-feed"])
        let shown = try relctl(b, ["--json", "show", "from-feed"])
        #expect(shown.status == 0 && !Self.holdsDecomposedText(shown.stdout), "\(shown.stdout)")
    }

    @Test func tablesStayOneLinePerRecordWithinTheWidth() throws {
        try withDaemon { d in
            let parties = (1...300).map { "Organisation \($0)" }
            let records: [[String: Any]] = [
                ["id": "newline", "kind": "event", "title": "First line\nsecond line", "category": "military", "date": "2023-01"],
                [
                    "id": "many-parties", "kind": "event", "title": "Three hundred parties", "category": "military", "date": "2023-02",
                    "parties": parties,
                ],
                [
                    "id": "wide", "kind": "event", "title": String(repeating: "\u{4F1A}\u{8AC7}", count: 40), "category": "diplomatic",
                    "date": "2023-03",
                ],
            ]
            let file = d.dir.file("awkward.json")
            try JSONSerialization.data(withJSONObject: records).write(to: URL(fileURLWithPath: file))
            #expect(try relctl(d, ["import", file]).status == 0)

            for (columns, width) in [(nil, 100), ("72", 72), ("200", 200)] as [(String?, Int)] {
                let list = try relctl(d, ["list"], columns: columns)
                #expect(list.status == 0, "\(list.stderr)")
                let lines = list.stdout.split(separator: "\n")
                #expect(lines.count == 5, "header, three records, the count:\n\(list.stdout)")
                #expect(lines[1].hasPrefix("newline ") && lines[1].contains("First line\\n"), "\(list.stdout)")
                for line in lines {
                    // Wide characters take two columns: count them so.
                    let columnsUsed = line.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x4E00 && $1.value <= 0x9FFF) ? 2 : 1) }
                    #expect(columnsUsed <= width, "COLUMNS=\(columns ?? "unset"): \(columnsUsed) > \(width): \(line)")
                }
            }
            // show gives every party.
            let show = try relctl(d, ["show", "many-parties"])
            #expect(show.stdout.contains(parties.joined(separator: ", ")))
            let newline = try relctl(d, ["show", "newline"])
            #expect(newline.stdout.contains("First line\n") && newline.stdout.contains(" second line\n"), "\(newline.stdout)")
        }
    }
}
