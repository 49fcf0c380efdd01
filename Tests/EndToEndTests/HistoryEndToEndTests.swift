import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl history` and `show --as-of` with two named nodes syncing through a real relhub.
@Suite("History end to end", .serialized)
struct HistoryEndToEndTests {
    /// A reld named `name` (`[node] name` in its config file) that syncs with `feed` when asked.
    func node(_ dir: TempDir, _ id: String, name: String, feed: String, tokenFile: String) throws -> Daemon {
        let config = dir.file("\(id).toml")
        try "[node]\nname = \"\(name)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        return try Daemon(
            dir: dir, stateDir: dir.file(id), socket: dir.file("\(id).sock"),
            extraArguments: ["--config", config, "--feed", feed, "--token-file", tokenFile, "--sync-interval", "3600"])
    }

    func entries(_ output: Output, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        #expect(output.status == 0, "relctl failed: \(output.stderr)", sourceLocation: sourceLocation)
        let json = try parseJSON(output.stdout, sourceLocation: sourceLocation) as? [String: Any] ?? [:]
        return json["entries"] as? [[String: Any]] ?? []
    }

    /// An entry without `local` (which differs by replica) and with its versions the same way.
    func shared(_ entry: [String: Any]) -> NSDictionary {
        var e = entry
        e["local"] = nil
        for key in ["old", "concurrent"] {
            e[key] = (e[key] as? [[String: Any]] ?? []).map { v -> [String: Any] in
                var v = v
                v["local"] = nil
                return v
            }
        }
        return NSDictionary(dictionary: e)
    }

    @Test func bothNodesTellTheSameHistoryWithNamesAndTheConflictsSettlement() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        var hub = try Hub.start(dir: dir, tokenFile: token)
        let port = hub.port
        let feed = "http://127.0.0.1:\(port)"
        let a = try node(dir, "a", name: "ana@laptop", feed: feed, tokenFile: token)
        let b = try node(dir, "b", name: "Bó Ségou", feed: feed, tokenFile: token)
        defer { for d in [a, b] { _ = try? d.stop(SIGKILL) } }

        #expect(try a.relctl("add-event", "--id", "ev1", "--title", "Visit", "--category", "diplomatic").status == 0)
        #expect(try a.relctl("sync").status == 0)
        #expect(try b.relctl("sync").status == 0)
        let created = try entries(b.relctl("--json", "history", "ev1"))
        #expect(created.first?["action"] as? String == "created")
        #expect(created.first?["node_name"] as? String == "ana@laptop", "the name came through the hub")
        let createdAt = created.first?["time"] as? String ?? ""

        // Concurrent edits while the hub is down, then a resolve on b.
        hub.stop(SIGKILL)
        #expect(try a.relctl("edit", "ev1", "--set", "title=Visit (A)").status == 0)
        #expect(try b.relctl("edit", "ev1", "--set", "title=Visit (B)").status == 0)
        hub = try Hub.start(dir: dir, port: port, tokenFile: token)
        for n in [a, b, a] { #expect(try n.relctl("sync").status == 0) }
        #expect(try b.relctl("resolve", "ev1", "title", "--take", "Visit (agreed)").status == 0)
        #expect(try b.relctl("delete", "ev1").status == 0)
        for n in [b, a] { #expect(try n.relctl("sync").status == 0) }

        let onA = try entries(a.relctl("--json", "history", "ev1"))
        let onB = try entries(b.relctl("--json", "history", "ev1"))
        #expect(onA.map(shared) == onB.map(shared), "every replica tells the same history")
        let titles = onA.filter { $0["field"] as? String == "title" }
        #expect(titles.map { $0["action"] as? String } == ["changed", "changed", "changed", "resolved"])
        #expect(titles.contains { !($0["concurrent"] as? [Any] ?? []).isEmpty }, "the concurrent edit is shown with its rival")
        #expect(titles.last?["node_name"] as? String == "Bó Ségou")
        #expect((titles.last?["old"] as? [Any])?.count == 2, "the resolve replaced both versions")
        #expect(onA.last?["action"] as? String == "deleted")

        let human = try a.relctl("history", "ev1")
        #expect(human.status == 0)
        #expect(human.stdout.contains("ana@laptop [this node]"), "\(human.stdout)")
        #expect(human.stdout.contains("Bó Ségou ["), "\(human.stdout)")
        #expect(human.stdout.contains("kept as a conflict"), "\(human.stdout)")
        #expect(human.stdout.contains("title: resolved"), "\(human.stdout)")
        #expect(try entries(a.relctl("--json", "history", "ev1", "--field", "deleted")).count == 1)

        // As it stood: at its creation, and before it existed.
        let then = try a.relctl("--json", "show", "ev1", "--as-of", createdAt)
        #expect(then.status == 0, "\(then.stderr)")
        let state = try parseJSON(then.stdout) as? [String: Any] ?? [:]
        #expect(state["deleted"] as? Bool == false)
        #expect((state["record"] as? [String: Any])?["title"] as? String == "Visit")
        let now = try a.relctl("show", "ev1", "--as-of", "9999-12-31")
        #expect(now.status == 0 && now.stdout.contains("DELETED"), "\(now.stdout)")
        let before = try a.relctl("show", "ev1", "--as-of", "2000-01-01T00:00:00Z")
        #expect(before.status == 1 && before.stderr.contains("did not exist yet"), "\(before.stderr)")
        let bad = try a.relctl("show", "ev1", "--as-of", "2026-11-30T12:00")
        #expect(bad.status == 2 && bad.stderr.contains("add Z for UTC"), "\(bad.stderr)")
        let unknownField = try a.relctl("history", "ev1", "--field", "colour")
        #expect(unknownField.status == 2 && unknownField.stderr.contains("--field \"colour\""), "\(unknownField.stderr)")
        #expect(try a.relctl("history", "no-such-id").status == 1)
    }
}
