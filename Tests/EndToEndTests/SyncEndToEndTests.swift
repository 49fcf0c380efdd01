import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two reld nodes and a relhub, all real processes on loopback, driven with relctl.
@Suite("Sync end to end", .serialized)
struct SyncEndToEndTests {
    /// A reld that follows `feed`; rounds run only when asked (or after local writes).
    func node(_ dir: TempDir, _ name: String, feed: String, tokenFile: String? = nil) throws -> Daemon {
        var arguments = ["--feed", feed, "--sync-interval", "3600"]
        if let tokenFile { arguments += ["--token-file", tokenFile] }
        return try Daemon(dir: dir, stateDir: dir.file(name), socket: dir.file("\(name).sock"), extraArguments: arguments)
    }

    func json(_ output: Output, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(output.status == 0, "relctl failed: \(output.stderr)", sourceLocation: sourceLocation)
        return try parseJSON(output.stdout, sourceLocation: sourceLocation) as? [String: Any] ?? [:]
    }

    @Test(arguments: HubStore.allCases) func offlineEditsConvergeAndTheConflictIsResolvedEverywhere(store: HubStore) throws {
        try withHubStore(store) { database in
            let dir = try TempDir()
            defer { dir.remove() }
            let token = try Hub.makeToken(in: dir)
            var hub = try Hub.start(dir: dir, tokenFile: token, database: database)
            let port = hub.port
            let feed = "http://127.0.0.1:\(port)"
            let a = try node(dir, "a", feed: feed, tokenFile: token)
            let b = try node(dir, "b", feed: feed, tokenFile: token)
            defer { for d in [a, b] { _ = try? d.stop(SIGKILL) } }

            #expect(try a.relctl("add-event", "--id", "ev1", "--title", "Visit", "--category", "diplomatic").status == 0)
            #expect(try a.relctl("sync").status == 0)
            #expect(try b.relctl("sync").status == 0)
            #expect(try b.relctl("show", "ev1").status == 0)

            // The hub goes down; both nodes keep working.
            hub.stop(SIGKILL)
            #expect(try a.relctl("edit", "ev1", "--set", "title=Visit (A)").status == 0)
            #expect(try b.relctl("edit", "ev1", "--set", "title=Visit (B)").status == 0)
            #expect(try b.relctl("edit", "ev1", "--set", "category=military").status == 0)
            let failed = try a.relctl("sync")
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("unreachable"), "\(failed.stderr)")
            let offline = try json(a.relctl("--json", "status"))
            let sync = offline["sync"] as? [String: Any] ?? [:]
            #expect(sync["state"] as? String == "offline")
            #expect((sync["last_error"] as? String)?.contains("unreachable") == true)
            #expect((offline["pending_changes"] as? Int ?? 0) >= 1)

            // It comes back, on the same port and state.
            hub = try Hub.start(dir: dir, port: port, tokenFile: token, database: database)
            for n in [a, b, a] { #expect(try n.relctl("sync").status == 0) }
            let shownA = try json(a.relctl("--json", "show", "ev1"))
            let shownB = try json(b.relctl("--json", "show", "ev1"))
            #expect(NSDictionary(dictionary: shownA) == NSDictionary(dictionary: shownB))
            #expect(shownA["category"] as? String == "military", "an edit of another field survives")
            let title = shownA["title"] as? String
            #expect(title == "Visit (A)" || title == "Visit (B)")

            // Both nodes list the conflict, with the losing value kept.
            for n in [a, b] {
                let conflicts = try json(n.relctl("--json", "conflicts"))["conflicts"] as? [[String: Any]] ?? []
                #expect(conflicts.count == 1)
                #expect(conflicts.first?["field"] as? String == "title")
                let others = conflicts.first?["others"] as? [[String: Any]] ?? []
                let lost = others.first?["value"] as? String
                #expect(lost != nil && lost != title && (lost == "Visit (A)" || lost == "Visit (B)"))
            }
            let human = try a.relctl("conflicts")
            #expect(human.stdout.contains("relctl resolve ev1 title"))

            // Resolved on A; the resolution reaches B and closes the conflict there too.
            #expect(try a.relctl("resolve", "ev1", "title", "--take", "Visit (agreed)").status == 0)
            #expect(try a.relctl("sync").status == 0)
            #expect(try b.relctl("sync").status == 0)
            #expect((try json(b.relctl("--json", "conflicts"))["conflicts"] as? [Any])?.isEmpty == true)
            #expect(try json(b.relctl("--json", "show", "ev1"))["title"] as? String == "Visit (agreed)")
            let status = try json(b.relctl("--json", "status"))
            #expect(status["open_conflicts"] as? Int == 0)
            #expect((status["sync"] as? [String: Any])?["state"] as? String == "idle")
            hub.stop()
        }
    }

    @Test func aSnapshotOnAStaticServerIsPulledThenRevalidated() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (source, server) = try Hub.snapshotSource(dir: dir)
        defer { _ = try? source.stop(SIGKILL) }
        let follower = try node(dir, "follower", feed: "http://127.0.0.1:\(server.port)/ledger.json")
        defer { _ = try? follower.stop(SIGKILL) }

        #expect(try follower.relctl("sync").status == 0)
        #expect(try follower.relctl("export").stdout == source.relctl("export").stdout)
        let again = try json(follower.relctl("--json", "sync"))
        #expect(again["not_modified"] as? Bool == true)
        #expect(again["pulled"] as? Int == 0)
        #expect(server.log.contains("\"GET /ledger.json HTTP/1.1\" 304"), "the second pull moved no body:\n\(server.log)")
        let status = try json(follower.relctl("--json", "status"))
        #expect((status["sync"] as? [String: Any])?["read_only"] as? Bool == true)
        server.stop(SIGKILL)  // a throwaway web server; SIGTERM may be ignored as inherited from the test runner
    }

    @Test func aWrongTokenIsRefusedAndSaidSoWithoutShowingAnyToken() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let hub = try Hub.start(dir: dir, tokenFile: try Hub.makeToken(in: dir))
        defer { hub.stop(SIGKILL) }
        let wrong = try Hub.makeToken(in: dir, name: "other-token")
        // At debug level too: a token must not leak through request or header logging either.
        let a = try Daemon(
            dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"),
            extraArguments: [
                "--feed", "http://127.0.0.1:\(hub.port)", "--sync-interval", "3600", "--token-file", wrong, "--log-level", "debug",
            ])
        defer { _ = try? a.stop(SIGKILL) }
        let output = try a.relctl("sync")
        #expect(output.status == 1)
        #expect(output.stderr.contains("refused the token"), "\(output.stderr)")
        let status = try a.relctl("status")
        let statusJSON = try a.relctl("status", "--json")
        #expect(status.stdout.contains("refused the token"), "status says what is wrong: \(status.stdout)")
        for name in ["token", "other-token"] {
            let token = try Hub.tokenText(dir.file(name))
            for (place, text) in [
                ("relctl sync", output.stdout + output.stderr), ("relctl status", status.stdout),
                ("relctl status --json", statusJSON.stdout), ("reld's log", a.log), ("relhub's log", hub.log),
            ] {
                #expect(!text.contains(token), "\(name) appears in \(place)")
            }
        }
    }

    @Test(arguments: HubStore.allCases) func killedMidPushAndMidPullNothingIsLostOrDoubled(store: HubStore) throws {
        try withHubStore(store) { database in
            let dir = try TempDir()
            defer { dir.remove() }
            let token = try Hub.makeToken(in: dir)
            var hub = try Hub.start(dir: dir, tokenFile: token, database: database)
            let port = hub.port
            let feed = "http://127.0.0.1:\(port)"
            let a = try node(dir, "a", feed: feed, tokenFile: token)
            defer { _ = try? a.stop(SIGKILL) }
            let records = (0..<2000).map { i in
                "{\"id\":\"gen-\(i)\",\"kind\":\"event\",\"title\":\"Generated \(i)\",\"category\":\"military\",\"date\":\"2023-01-02\"}"
            }
            try ("[" + records.joined(separator: ",") + "]").write(toFile: dir.file("records.json"), atomically: true, encoding: .utf8)
            #expect(try a.relctl("import", dir.file("records.json")).status == 0)

            // The import wakes a push; kill the hub once part of it has landed.
            let tokenText = try Hub.tokenText(token)
            func head() -> Int {
                let out = try? run("/usr/bin/env", ["curl", "-s", "http://127.0.0.1:\(port)/v1/health"])
                return (try? parseJSON(out?.stdout ?? "") as? [String: Any])?["head"] as? Int ?? 0
            }
            let deadline = Date().addingTimeInterval(60)
            while head() == 0, Date() < deadline { usleep(10_000) }
            hub.stop(SIGKILL)
            hub = try Hub.start(dir: dir, port: port, tokenFile: token, database: database)
            #expect(try a.relctl("sync").status == 0)

            // Every change of A's is in the hub exactly once: node_seq 1...n, no gap, no repeat.
            var seqs: [Int] = []
            var since = 0
            while true {
                let out = try run(
                    "/usr/bin/env",
                    [
                        "curl", "-s", "-H", "Authorization: Bearer \(tokenText)",
                        "http://127.0.0.1:\(port)/v1/changes?since=\(since)&limit=5000",
                    ])
                let page = try parseJSON(out.stdout) as? [String: Any] ?? [:]
                seqs += (page["changes"] as? [[String: Any]] ?? []).compactMap { $0["node_seq"] as? Int }
                since = page["next"] as? Int ?? since
                if page["more"] as? Bool != true { break }
            }
            #expect(!seqs.isEmpty)
            #expect(seqs.sorted() == Array(1...seqs.count), "\(seqs.count) changes, max \(seqs.max() ?? 0)")

            // B pulls at start; kill it partway, restart, and it ends with exactly A's records.
            var b = try node(dir, "b", feed: feed, tokenFile: token)
            let pullDeadline = Date().addingTimeInterval(60)
            while Date() < pullDeadline {
                let status = try? parseJSON(try b.relctl("--json", "status").stdout) as? [String: Any]
                if ((status?["records"] as? [String: Any])?["event"] as? Int ?? 0) > 0 { break }
                usleep(10_000)
            }
            _ = try b.stop(SIGKILL)
            b = try node(dir, "b", feed: feed, tokenFile: token)
            defer { _ = try? b.stop(SIGKILL) }
            #expect(try b.relctl("sync").status == 0)
            #expect(try b.relctl("export").stdout == a.relctl("export").stdout)
            hub.stop()
        }
    }

    @Test(arguments: HubStore.allCases) func concurrentPushesFromSeveralNodesAreAllKept(store: HubStore) throws {
        try withHubStore(store) { database in
            let dir = try TempDir()
            defer { dir.remove() }
            let token = try Hub.makeToken(in: dir)
            let hub = try Hub.start(dir: dir, tokenFile: token, database: database)
            defer { hub.stop() }
            let feed = "http://127.0.0.1:\(hub.port)"
            let nodes = try (0..<4).map { n in try node(dir, "n\(n)", feed: feed, tokenFile: token) }
            defer { for d in nodes { _ = try? d.stop(SIGKILL) } }
            for (n, d) in nodes.enumerated() {
                let records = (0..<150).map { i in
                    "{\"id\":\"n\(n)-\(i)\",\"kind\":\"event\",\"title\":\"Node \(n) record \(i)\",\"category\":\"diplomatic\"}"
                }
                try ("[" + records.joined(separator: ",") + "]").write(toFile: dir.file("n\(n).json"), atomically: true, encoding: .utf8)
                #expect(try d.relctl("import", dir.file("n\(n).json")).status == 0)
            }
            // Every node syncs at the same moment (and the imports have woken their own rounds too).
            let statuses = Acknowledged()
            let threads = nodes.map { d in Thread { statuses.add([String((try? d.relctl("sync"))?.status ?? -1)]) } }
            for thread in threads { thread.start() }
            while !threads.allSatisfy(\.isFinished) { usleep(5_000) }
            #expect(statuses.ids == ["0", "0", "0", "0"])
            for d in nodes { #expect(try d.relctl("sync").status == 0) }
            let exports = try nodes.map { try $0.relctl("export").stdout }
            #expect(Set(exports).count == 1, "every node holds the same records")
            #expect((try parseJSON(exports[0]) as? [Any])?.count == 600)
        }
    }
}
