import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relhub migrate`: a SQLite hub's feed moved into PostgreSQL while its replicas are away,
/// with real reld nodes before and after, a copy cut off halfway, and the refusals.
@Suite("relhub migrate", .serialized)
struct MigrateEndToEndTests {
    func node(_ dir: TempDir, _ name: String, feed: String, tokenFile: String) throws -> Daemon {
        try Daemon(
            dir: dir, stateDir: dir.file(name), socket: dir.file("\(name).sock"),
            extraArguments: ["--feed", feed, "--sync-interval", "3600", "--token-file", tokenFile])
    }

    func json(_ output: Output, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(output.status == 0, "relctl failed: \(output.stderr)", sourceLocation: sourceLocation)
        return try parseJSON(output.stdout, sourceLocation: sourceLocation) as? [String: Any] ?? [:]
    }

    /// A counter of reld's, from `relctl metrics`.
    func metric(_ node: Daemon, _ name: String) throws -> Double {
        let text = try node.relctl("metrics").stdout
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "no \(name) in:\n\(text)")
        return Double(line.split(separator: " ").last ?? "") ?? -1
    }

    func migrate(_ from: String, _ cluster: PostgresCluster, url: String? = nil) throws -> Output {
        try run(
            Binaries.relhub,
            ["migrate", "--from", from, "--to", url ?? cluster.url, "--database-password-file", cluster.passwordFile])
    }

    func feedID(_ port: Int, token: String) throws -> String? {
        let health = try PostgresHubTests.call("GET", "http://127.0.0.1:\(port)/v1/health", token: token)
        return (try parseJSON(health.body) as? [String: Any])?["feed_id"] as? String
    }

    /// Pushes one change, the first of `node`, into `hub`.
    func pushOne(_ hub: ServerProcess, token: String, node: String) throws {
        let change = PostgresHubTests.change(node, 1, "\(node)-r1", "_kind", "\"event\"", hlc: PostgresHubTests.hlc())
        let answer = try PostgresHubTests.call(
            "POST", "http://127.0.0.1:\(hub.port)/v1/changes", token: token, body: PostgresHubTests.batch([change]),
            headers: ["Reld-Node: \(node)"])
        try #require(answer.status == 200, "\(answer)")
    }

    /// Runs `body` with a fresh cluster, a directory, a token file and its token, and the path of
    /// the SQLite hub's state directory in it.
    func withMoveSetting(_ body: (PostgresCluster, TempDir, String, String, String) throws -> Void) throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let token = try Hub.makeToken(in: dir)
            try body(cluster, dir, token, try Hub.tokenText(token), dir.file("hub"))
        }
    }

    @Test func replicasCarryOnAfterTheMoveWithTheirCursorsAndNothingLost() throws {
        try withMoveSetting { cluster, dir, token, tokenText, hubState in
            var hub = try Hub.start(dir: dir, tokenFile: token, stateDir: hubState)
            let port = hub.port
            let feed = "http://127.0.0.1:\(port)"
            let a = try node(dir, "a", feed: feed, tokenFile: token)
            let b = try node(dir, "b", feed: feed, tokenFile: token)
            defer { for d in [a, b] { _ = try? d.stop(SIGKILL) } }

            #expect(try a.relctl("import", Binaries.seedRecords).status == 0)
            #expect(try a.relctl("sync").status == 0)
            #expect(try b.relctl("sync").status == 0)
            // A conflict the hub keeps: both edit one title, each unaware of the other.
            let id = try #require((try json(a.relctl("--json", "list"))["records"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try a.relctl("edit", id, "--set", "title=Title (A)").status == 0)
            #expect(try b.relctl("edit", id, "--set", "title=Title (B)").status == 0)
            for n in [a, b, a] { #expect(try n.relctl("sync").status == 0) }
            let before = try feedID(port, token: tokenText)

            // The hub stops for the move; b works on meanwhile.
            hub.stop()
            #expect(
                try b.relctl("add-event", "--id", "during-move", "--title", "Written while the hub moved", "--category", "economic").status
                    == 0)
            let moved = try migrate(hubState, cluster)
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(moved.stdout.contains("moved feed \(before ?? "?")"), "\(moved.stdout)")

            // The old store refuses to serve a second copy of the feed.
            let old = try run(
                Binaries.relhub, ["--listen", "127.0.0.1:0", "--state-dir", hubState, "--token-file", token], timeout: 30)
            #expect(old.status == 1)
            #expect(old.stderr.contains("was moved to \(cluster.url)"), "\(old.stderr)")

            // The same address, now on PostgreSQL: the same feed, and the replicas go on from where they were.
            // (b retries by itself once the hub is back, so its count is read before.)
            let (pushedBefore, pulledBytesBefore) = (
                try metric(b, "reld_sync_pushed_changes_total"), try metric(a, "reld_sync_pulled_bytes_total")
            )
            let pending = try #require(try json(b.relctl("--json", "status"))["pending_changes"] as? Int)
            hub = try Hub.start(dir: dir, port: port, tokenFile: token, database: cluster)
            #expect(try feedID(port, token: tokenText) == before)
            #expect(try b.relctl("sync").status == 0)
            #expect(try a.relctl("sync").status == 0)
            // Only the new event's fields went up and came down: no replay, no push of everything again.
            let pushed = try metric(b, "reld_sync_pushed_changes_total") - pushedBefore
            #expect(pending > 0 && pushed == Double(pending), "b pushed \(pushed) changes, with \(pending) pending")
            let pulledBytes = try metric(a, "reld_sync_pulled_bytes_total") - pulledBytesBefore
            #expect(pulledBytes > 0 && pulledBytes < 4_000, "a pulled \(pulledBytes) bytes")
            #expect(try a.relctl("show", "during-move").status == 0)

            // A replica new to the feed gets all of it, the conflict included.
            let c = try node(dir, "c", feed: feed, tokenFile: token)
            defer { _ = try? c.stop(SIGKILL) }
            #expect(try c.relctl("sync").status == 0)
            for n in [a, b, c] { #expect(try n.relctl("sync").status == 0) }
            let lists = try [a, b, c].map { try json($0.relctl("--json", "list", "--limit", "1000"))["records"] as? [[String: Any]] ?? [] }
            #expect(lists[0].count == 54)
            #expect(lists.allSatisfy { NSArray(array: $0) == NSArray(array: lists[0]) })
            let conflicts = try [a, c].map { try json($0.relctl("--json", "conflicts"))["conflicts"] as? [[String: Any]] ?? [] }
            #expect(conflicts.map(\.count) == [1, 1])

            // Run again, with the hub serving: nothing to do, said so.
            let again = try migrate(hubState, cluster)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("was moved to \(cluster.url) already"), "\(again.stdout)")
            hub.stop()

            // The database loses the feed (dropped, or restored from before the move): the old
            // store, behind what replicas saw, is not copied back under the same id.
            _ = try cluster.psql("DROP SCHEMA relhub CASCADE")
            let lost = try migrate(hubState, cluster)
            #expect(lost.status == 1)
            #expect(lost.stderr.contains("which no longer holds its feed"), "\(lost.stderr)")
        }
    }

    @Test func aMoveCutOffHalfwayLeavesTheDatabaseAsItWasAndRunsAgain() throws {
        try withMoveSetting { cluster, dir, token, tokenText, hubState in
            let hub = try Hub.start(dir: dir, tokenFile: token, stateDir: hubState)
            // Enough changes that the copy takes a while: 40 pushes of 999.
            let t = PostgresHubTests.hlc()
            for push in 0..<40 {
                let changes = (0..<999).map { i -> String in
                    let n = Int64(push * 999 + i + 1)
                    return PostgresHubTests.change(
                        "node-m", n, "r\(n / 3)", ["_kind", "title", "notes"][i % 3],
                        i % 3 == 0 ? "\"event\"" : "\"Tab\\there, back\\\\slash, é \(n)\"", hlc: t + n)
                }
                let answer = try PostgresHubTests.call(
                    "POST", "http://127.0.0.1:\(hub.port)/v1/changes", token: tokenText, body: PostgresHubTests.batch(changes),
                    headers: ["Reld-Node: node-m"])
                try #require(answer.status == 200, "\(answer)")
            }
            hub.stop()

            // Ctrl-C once the first rows of the changes are copied, before the copy commits.
            let log = dir.file("migrate.log")
            let process = try spawn(
                Binaries.relhub,
                [
                    "migrate", "--from", hubState, "--to", cluster.url, "--database-password-file", cluster.passwordFile,
                    "--log-level", "debug",
                ],
                logFile: log)
            let said = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline, !(said().contains("copied rows") && said().contains("table=changes")) {
                usleep(1_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
            let exitDeadline = Date().addingTimeInterval(30)
            while process.isRunning, Date() < exitDeadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try #require(said().contains("copied rows"), "the copy never started:\n\(said())")
            try #require(!said().contains("comparing"), "the copy committed before it could be cut off:\n\(said())")
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT)
            let left = try cluster.psql(
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'relhub'", asSuperuser: true
            ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(left == "0", "the cut-off copy left a schema behind")

            let moved = try migrate(hubState, cluster)
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(moved.stdout.contains("(39960 changes, head 39960)"), "\(moved.stdout)")
            let count = try cluster.psql("SELECT count(*), max(seq) FROM relhub.changes").stdout
            #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "39960|39960")
        }
    }

    @Test func aMoveIsRefusedWithAReasonWhenItCannotBeDoneSafely() throws {
        try withMoveSetting { cluster, dir, token, tokenText, hubState in
            let hub = try Hub.start(dir: dir, tokenFile: token, stateDir: hubState)
            try pushOne(hub, token: tokenText, node: "node-x")

            // The SQLite relhub still runs.
            let running = try migrate(hubState, cluster)
            #expect(running.status == 1)
            #expect(running.stderr.contains("a relhub is running on \(hubState) (pid \(hub.pid)); stop it first"), "\(running.stderr)")
            hub.stop()

            // No store where --from points; nothing is created there.
            let missing = try migrate(dir.file("nowhere"), cluster)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("--from \(dir.file("nowhere")): no relhub store there"), "\(missing.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("nowhere")))

            // No password where the role needs one: said at once, with where to give it.
            let noPassword = try run(Binaries.relhub, ["migrate", "--from", hubState, "--to", cluster.url])
            #expect(noPassword.status == 1)
            #expect(noPassword.stderr.contains("the server asks for a password, and none was given"), "\(noPassword.stderr)")

            // A bad URL, and a password in it, are refused before anything is read.
            let badURL = try migrate(hubState, cluster, url: "mysql://relhub@localhost/relhub")
            #expect(badURL.status == 64)
            #expect(badURL.stderr.contains("the scheme must be postgres://"), "\(badURL.stderr)")
            let withPassword = try migrate(hubState, cluster, url: "postgres://relhub:sekrit@localhost/relhub")
            #expect(withPassword.status == 64)
            #expect(!withPassword.stderr.contains("sekrit"), "\(withPassword.stderr)")

            // A database that holds another feed is left alone.
            let other = try Hub.start(dir: dir, tokenFile: token, stateDir: dir.file("unused"), database: cluster)
            try pushOne(other, token: tokenText, node: "node-y")
            // ...and one that a relhub serves is not touched while it does.
            let serving = try migrate(hubState, cluster)
            #expect(serving.status == 1)
            #expect(serving.stderr.contains("relhub is using the database ("), "\(serving.stderr)")
            other.stop()
            // Its connections end with it, but PostgreSQL may list them a moment longer.
            let gone = Date().addingTimeInterval(30)
            while Date() < gone,
                try cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'relhub'", asSuperuser: true)
                    .stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0"
            {
                usleep(20_000)
            }
            let inUse = try migrate(hubState, cluster)
            #expect(inUse.status == 1)
            #expect(inUse.stderr.contains("the database holds another feed"), "\(inUse.stderr)")
            #expect(try cluster.psql("SELECT count(*) FROM relhub.changes").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

            // The SQLite store was never marked: it serves again.
            let back = try Hub.start(dir: dir, tokenFile: token, stateDir: hubState)
            back.stop()
        }
    }
}
