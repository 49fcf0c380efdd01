import Foundation
import RelModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl --json` as docs/relctl-json.md describes it: every command, on success and on
/// failure, prints one JSON document on standard output with the documented members.
@Suite("relctl --json", .serialized)
struct JSONOutputTests {
    static let errorKeys: Set<String> = ["code", "message", "field", "value", "record_index", "record_id"]

    /// The success document, which must parse and hold `keys`.
    @discardableResult
    func success(_ output: Output, keys: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(output.status == 0, "relctl failed: \(output.stderr)", sourceLocation: sourceLocation)
        let object = try parseJSON(output.stdout) as? [String: Any] ?? [:]
        #expect(
            keys.isSubset(of: Set(object.keys)), "missing \(keys.subtracting(object.keys)) in \(output.stdout)",
            sourceLocation: sourceLocation)
        return object
    }

    /// The error document: exit `status`, standard output `{"error": {...6 members}, "exit_status"}`
    /// with `code`, and the human line on standard error.
    @discardableResult
    func failure(_ output: Output, status: Int32, code: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try failure(output, status: status, code: [code], sourceLocation: sourceLocation)
    }

    @discardableResult
    func failure(_ output: Output, status: Int32, code: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String:
        Any]
    {
        #expect(output.status == status, "exit \(output.status), expected \(status): \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("error: "), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(
            output.stdout.hasSuffix("}\n") && output.stdout.filter { $0 == "\n" }.count == 1,
            "one line of JSON: \(output.stdout)", sourceLocation: sourceLocation)
        let document = try parseJSON(output.stdout) as? [String: Any] ?? [:]
        #expect(Set(document.keys) == ["error", "exit_status"], "\(output.stdout)", sourceLocation: sourceLocation)
        #expect(document["exit_status"] as? Int == Int(status), sourceLocation: sourceLocation)
        let error = document["error"] as? [String: Any] ?? [:]
        #expect(Set(error.keys) == Self.errorKeys, "\(output.stdout)", sourceLocation: sourceLocation)
        #expect(code.contains(error["code"] as? String ?? ""), "\(output.stdout)", sourceLocation: sourceLocation)
        #expect((error["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        return error
    }

    @Test func everyCommandOnOneNode() throws {
        try withDaemon { d in
            let dir = d.dir
            try success(
                d.relctl("--json", "status"),
                keys: [
                    "version", "started_at", "uptime_seconds", "node_id", "records", "pending_changes",
                    "database", "socket", "open_conflicts",
                ])
            let event = try success(
                d.relctl(
                    "add-event", "--json", "--id", "ev1", "--title", "Visit", "--category", "diplomatic",
                    "--date", "2023-02-07"), keys: ["id"])
            #expect(event["id"] as? String == "ev1")
            try success(d.relctl("--json", "add-agreement", "--id", "ag1", "--title", "Deal", "--category", "energy"), keys: ["id"])
            let page = try success(d.relctl("--json", "list"), keys: ["records", "total"])
            #expect(page["total"] as? Int == 2)
            let shown = try success(d.relctl("--json", "show", "ev1"), keys: ["id", "kind", "title", "category", "date"])
            #expect(shown["title"] as? String == "Visit")
            let edited = try success(d.relctl("--json", "edit", "ev1", "--set", "title=Visit (edited)"), keys: ["id", "title"])
            #expect(edited["title"] as? String == "Visit (edited)")
            try success(d.relctl("--json", "delete", "ag1"), keys: ["id", "deleted"])
            try success(d.relctl("--json", "show", "--deleted", "ag1"), keys: ["deleted", "record"])
            let restored = try success(d.relctl("--json", "restore", "ag1"), keys: ["id", "restored"])
            #expect(restored["restored"] as? Bool == true)
            try success(d.relctl("--json", "conflicts"), keys: ["conflicts"])
            let imported = try success(d.relctl("--json", "import", Binaries.seedRecords), keys: ["created", "updated", "unchanged"])
            #expect((imported["created"] as? Int ?? 0) > 0)
            let export = try d.relctl("--json", "export")
            let records = try parseJSON(export.stdout) as? [Any]
            #expect(export.status == 0 && records?.isEmpty == false)
            try success(d.relctl("--json", "export", "--feed"), keys: ["format", "feed_id", "changes"])
            let toFile = try d.relctl("--json", "export", "-o", dir.file("out.json"))
            #expect(toFile.status == 0 && toFile.stdout.isEmpty)

            // Failures, one or more per command, each found by a different party.
            try failure(run(Binaries.relctl, ["--json", "--socket", dir.file("none.sock"), "status"]), status: 3, code: "unreachable")
            try failure(run(Binaries.relctl, ["conflicts", "--socket", dir.file("none.sock"), "--json"]), status: 3, code: "unreachable")
            try failure(d.relctl("--json", "bogus"), status: 2, code: "usage")
            try failure(d.relctl("status", "--bogus", "--json"), status: 2, code: "usage")
            try failure(d.relctl("show", "--json"), status: 2, code: "usage")
            try failure(d.relctl("list", "--limit", "0", "--json"), status: 2, code: "usage")
            try failure(
                d.relctl("--json", "add-event", "--title", "x", "--category", "military", "--date", "2023-13-01"), status: 2, code: "usage")
            try failure(
                d.relctl("--json", "add-event", "--id", "ev1", "--title", "x", "--category", "military"), status: 1, code: "conflict")
            let badStatus = try failure(
                d.relctl("--json", "add-agreement", "--title", "x", "--category", "energy", "--status", "bogus"),
                status: 2, code: "validation_failed")
            #expect(badStatus["field"] as? String == "status")
            try failure(d.relctl("--json", "show", "nope"), status: 1, code: "not_found")
            // Found by relctl (usage) or by reld (validation_failed, naming the field): exit 2 either way.
            let badDate = try failure(
                d.relctl("--json", "edit", "ev1", "--set", "date=2023-02-30"), status: 2,
                code: ["usage", "validation_failed"])
            #expect(badDate["code"] as? String == "usage" || badDate["field"] as? String == "date")
            try failure(d.relctl("--json", "edit", "ev1"), status: 2, code: "usage")
            try failure(d.relctl("--json", "delete", "nope"), status: 1, code: "not_found")
            try failure(d.relctl("--json", "restore", "nope"), status: 1, code: "not_found")
            try failure(d.relctl("--json", "import", dir.file("missing.json")), status: 2, code: "file_unreadable")
            try #"[{"kind": "event", "title": "ok", "category": "military"}, {"kind": "event", "title": "x", "category": "sports"}]"#
                .write(toFile: dir.file("bad.json"), atomically: true, encoding: .utf8)
            let badRecord = try failure(d.relctl("--json", "import", dir.file("bad.json")), status: 1, code: "validation_failed")
            #expect(badRecord["record_index"] as? Int == 1 && badRecord["field"] as? String == "category")
            try failure(d.relctl("--json", "export", "-o", dir.file("no/such/dir/out.json")), status: 2, code: "file_unwritable")
            try failure(d.relctl("--json", "sync"), status: 1, code: "no_feed")
            try failure(d.relctl("--json", "resolve", "ev1", "title", "--take", "local"), status: 1, code: "no_conflict")
            // `--` ends the options: a later `--json` is an argument, and the error is text only.
            let plain = try d.relctl("show", "--", "--json")
            #expect(plain.status == 2 && plain.stdout.isEmpty)
        }
    }

    /// Two nodes and a hub: `sync` and `resolve` succeed, `conflicts` lists a real conflict, and
    /// its clock stamps (above 2^53) come through relctl exactly, as the hub's pages have them
    /// in both forms.
    @Test func syncConflictsAndClockValuesThroughAHub() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tokenFile = try Hub.makeToken(in: dir)
        let token = try Hub.tokenText(tokenFile)
        var hub = try Hub.start(dir: dir, tokenFile: tokenFile)
        let port = hub.port
        func node(_ name: String) throws -> Daemon {
            try Daemon(
                dir: dir, stateDir: dir.file(name), socket: dir.file("\(name).sock"),
                extraArguments: ["--feed", "http://127.0.0.1:\(port)", "--token-file", tokenFile, "--sync-interval", "3600"])
        }
        let a = try node("a")
        let b = try node("b")
        defer { for d in [a, b] { _ = try? d.stop(SIGKILL) } }

        #expect(try a.relctl("add-event", "--id", "ev1", "--title", "Visit", "--category", "diplomatic").status == 0)
        let round = try success(a.relctl("--json", "sync"), keys: ["pulled", "pushed", "new_conflicts", "not_modified"])
        #expect(round["conflicts"] == nil, "the count is new_conflicts; conflicts is only the list")
        try success(b.relctl("--json", "sync"), keys: ["pulled", "pushed", "new_conflicts", "not_modified"])

        // Concurrent edits of one field while the hub is down.
        hub.stop(SIGKILL)
        #expect(try a.relctl("edit", "ev1", "--set", "title=Visit (A)").status == 0)
        #expect(try b.relctl("edit", "ev1", "--set", "title=Visit (B)").status == 0)
        let failed = try failure(a.relctl("--json", "sync"), status: 1, code: "sync_failed")
        #expect((failed["message"] as? String)?.contains("unreachable") == true)
        let state = (try success(a.relctl("--json", "status"), keys: ["sync"])["sync"] as? [String: Any])?["state"] as? String
        #expect(["offline", "backing_off"].contains(state ?? ""), "\(state ?? "nil")")
        hub = try Hub.start(dir: dir, port: port, tokenFile: tokenFile)
        var opened = 0
        for n in [a, b, a] {
            opened += try success(n.relctl("--json", "sync"), keys: ["new_conflicts"])["new_conflicts"] as? Int ?? 0
        }
        #expect(opened >= 1)

        // relctl gives the stamps as decimal strings, equal to the hub's, in either page form.
        let listed = try success(a.relctl("--json", "conflicts"), keys: ["conflicts"])["conflicts"] as? [[String: Any]] ?? []
        #expect(listed.count == 1)
        let versions = listed.flatMap { [$0["current"] as? [String: Any] ?? [:]] + ($0["others"] as? [[String: Any]] ?? []) }
        #expect(versions.count == 2)
        func page(_ query: String) throws -> (headers: String, page: FeedPage) {
            let out = try run(
                "/usr/bin/env",
                [
                    "curl", "-sS", "-D", "-", "-H", "Authorization: Bearer \(token)",
                    "http://127.0.0.1:\(port)/v1/changes?since=0&limit=1000\(query)",
                ])
            let parts = out.stdout.components(separatedBy: "\r\n\r\n")
            return (parts[0], try FeedPage(json: JSONValue.parse(parts.dropFirst().joined(separator: "\r\n\r\n"))))
        }
        let strings = try page("&hlc=string")
        let integers = try page("")
        #expect(strings.page == integers.page)
        #expect(strings.headers.lowercased().contains("reld-hlc: string"))
        for v in versions {
            let text = try #require(v["hlc"] as? String, "hlc must be a string: \(v)")
            let value = try #require(Int64(text))
            #expect(value > 1 << 53)
            let change = integers.page.changes.first {
                $0.recordID == "ev1" && $0.field == "title" && $0.node == v["node"] as? String
                    && $0.value == .string(v["value"] as? String ?? "")
            }
            #expect(change?.hlc.rawValue == value, "the hub's stamp for \(v) is \(String(describing: change?.hlc.rawValue))")
        }

        let resolved = try success(a.relctl("--json", "resolve", "ev1", "title", "--take", "Visit (agreed)"), keys: ["id", "title"])
        #expect(resolved["title"] as? String == "Visit (agreed)")
        // By now the hub's answers said it reads string clock values, so the push carries them.
        try success(a.relctl("--json", "sync"), keys: ["pushed"])
        try success(b.relctl("--json", "sync"), keys: ["pulled"])
        #expect((try success(b.relctl("--json", "conflicts"), keys: ["conflicts"])["conflicts"] as? [Any])?.isEmpty == true)
        hub.stop()
    }
}
