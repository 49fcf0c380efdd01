import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// reld killed with SIGKILL at random moments while relctl writes, imports and syncs: every write
/// relctl reported done survives exactly once, the database stays intact, and the replica still
/// converges with the hub. `RELD_CRASH_KILLS=N` sets how many kills (default 25).
@Suite("Crash loop", .serialized)
struct CrashLoopTests {
    @Test func acknowledgedWritesSurviveRandomKills() throws {
        let kills = ProcessInfo.processInfo.environment["RELD_CRASH_KILLS"].flatMap(Int.init) ?? 25
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: token)
        defer { hub.stop() }
        let feed = ["--feed", "http://127.0.0.1:\(hub.port)", "--token-file", token, "--sync-interval", "1"]
        let acknowledged = Acknowledged()
        var seed = SystemRandomNumberGenerator()
        var next = 0

        for round in 0..<kills {
            let reld = try Daemon(dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"), extraArguments: feed)
            // A writer that keeps going until reld is gone: single records, and now and then a
            // small import; sync rounds run on their own (interval 1 s, and after each write).
            let start = next
            next += 1000
            let writer = Thread {
                var i = start
                while true {
                    let id = "k\(round)-\(i)"
                    let args: [String]
                    if i % 7 == 6 {
                        let batch = (0..<5).map {
                            "{\"id\":\"\(id)-\($0)\",\"kind\":\"event\",\"title\":\"Batch \(i)\",\"category\":\"economic\"}"
                        }
                        let file = dir.file("batch-\(id).json")
                        try? ("[" + batch.joined(separator: ",") + "]").write(toFile: file, atomically: true, encoding: .utf8)
                        args = ["import", file]
                    } else {
                        args = ["add-event", "--id", id, "--title", "Write \(i)", "--category", "diplomatic"]
                    }
                    guard let out = try? reld.relctl(args), out.status == 0 else { return }
                    acknowledged.add(args[0] == "import" ? (0..<5).map { "\(id)-\($0)" } : [id])
                    i += 1
                }
            }
            writer.start()
            usleep(UInt32.random(in: 50_000...800_000, using: &seed))
            _ = try reld.stop(SIGKILL)
            while !writer.isFinished { usleep(1_000) }

            let check = try run("/usr/bin/env", ["sqlite3", dir.file("a/reld.sqlite"), "PRAGMA integrity_check;"])
            #expect(
                check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok",
                "after kill \(round + 1): \(check.stdout)\(check.stderr)")
            // The search index changes in the same transaction as the records: FTS5's own check
            // compares every indexed word with the text the records hold now.
            let index = try run(
                "/usr/bin/env",
                ["sqlite3", dir.file("a/reld.sqlite"), "INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1);"])
            #expect(index.status == 0 && index.stderr.isEmpty, "after kill \(round + 1): \(index.stdout)\(index.stderr)")
        }

        // After the last kill: everything acknowledged is there once, and it all reaches the hub
        // and a second replica.
        let a = try Daemon(dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"), extraArguments: feed)
        defer { _ = try? a.stop(SIGKILL) }
        let exported = try parseJSON(try a.relctl("export").stdout) as? [[String: Any]] ?? []
        let ids = exported.compactMap { $0["id"] as? String }
        let expected = acknowledged.ids
        #expect(expected.count > kills, "the writers got work done between kills (\(expected.count) writes)")
        #expect(Set(expected).isSubset(of: Set(ids)), "lost: \(Set(expected).subtracting(ids).sorted().prefix(10))")
        #expect(ids.count == Set(ids).count, "no record twice")
        print("crash loop: \(kills) kills with SIGKILL, \(expected.count) acknowledged writes, all present once; \(ids.count) records")
        let found = try parseJSON(try a.relctl("--json", "search", "write OR batch", "--limit", "100000").stdout) as? [String: Any]
        #expect(found?["total"] as? Int == ids.count, "every record is found by its title")
        #expect(try a.relctl("sync").status == 0)
        let b = try Daemon(dir: dir, stateDir: dir.file("b"), socket: dir.file("b.sock"), extraArguments: feed)
        defer { _ = try? b.stop(SIGKILL) }
        #expect(try b.relctl("sync").status == 0)
        #expect(try b.relctl("export").stdout == a.relctl("export").stdout)
        let status = try parseJSON(try a.relctl("--json", "status").stdout) as? [String: Any]
        #expect(status?["pending_changes"] as? Int == 0, "nothing pending is left behind")
    }

    /// relhub killed with SIGKILL at random moments while three nodes push to it: its database
    /// stays intact, and once it is back every node's changes are there once, with no gap.
    @Test func relhubSurvivesRandomKillsDuringPushes() throws {
        let kills = ProcessInfo.processInfo.environment["RELD_CRASH_KILLS"].flatMap(Int.init).map { max(1, $0 / 2) } ?? 10
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        var hub = try Hub.start(dir: dir, tokenFile: token)
        let port = hub.port
        let feed = ["--feed", "http://127.0.0.1:\(port)", "--token-file", token, "--sync-interval", "1"]
        let nodes = try (0..<3).map { n in
            try Daemon(dir: dir, stateDir: dir.file("n\(n)"), socket: dir.file("n\(n).sock"), extraArguments: feed)
        }
        defer { for d in nodes { _ = try? d.stop(SIGKILL) } }
        var seed = SystemRandomNumberGenerator()
        for round in 0..<kills {
            // Each node gets new work; the imports wake their pushes at once.
            for (n, d) in nodes.enumerated() {
                let records = (0..<60).map { i in
                    "{\"id\":\"h\(round)-n\(n)-\(i)\",\"kind\":\"event\",\"title\":\"Round \(round)\",\"category\":\"military\"}"
                }
                let file = dir.file("h\(round)-n\(n).json")
                try ("[" + records.joined(separator: ",") + "]").write(toFile: file, atomically: true, encoding: .utf8)
                #expect(try d.relctl("import", file).status == 0)
            }
            usleep(UInt32.random(in: 20_000...300_000, using: &seed))
            hub.stop(SIGKILL)
            let check = try run("/usr/bin/env", ["sqlite3", dir.file("hub/relhub.sqlite"), "PRAGMA integrity_check;"])
            #expect(
                check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok",
                "after kill \(round + 1): \(check.stdout)\(check.stderr)")
            hub = try Hub.start(dir: dir, port: port, tokenFile: token)
        }
        defer { hub.stop() }
        for d in nodes + nodes { #expect(try d.relctl("sync").status == 0) }
        let exports = try nodes.map { try $0.relctl("export").stdout }
        #expect(Set(exports).count == 1, "every node holds the same records")
        #expect((try parseJSON(exports[0]) as? [Any])?.count == kills * 3 * 60)
        // Each node's changes are in the hub once each, numbered 1...n without a gap.
        let counts = try run(
            "/usr/bin/env",
            [
                "sqlite3", dir.file("hub/relhub.sqlite"),
                "SELECT count(*) = max(node_seq) AND count(*) = count(DISTINCT node_seq) FROM changes GROUP BY node;",
            ])
        #expect(counts.stdout.split(separator: "\n") == ["1", "1", "1"], "\(counts.stdout)\(counts.stderr)")
        print("crash loop: relhub killed \(kills) times during pushes from 3 nodes; \(kills * 3 * 60) records converged")
    }
}

/// Ids whose writes relctl reported done, shared with the writer thread.
final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ ids: [String]) { lock.withLock { list += ids } }
    var ids: [String] { lock.withLock { list } }
}
