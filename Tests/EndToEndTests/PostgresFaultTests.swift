import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// relhub on PostgreSQL when things break: the database restarts or crashes under load, and a
/// relhub dies in the middle of a push. Nothing pushed is lost, nothing is served twice, and
/// no node's numbers skip.
@Suite("relhub on PostgreSQL, faults", .serialized)
struct PostgresFaultTests {
    /// Every change of the feed as `node/node_seq`, read from the start through `hub`.
    static func log(_ hub: String, token: String) throws -> [String] {
        let reader = PostgresScaleOutTests.Reader()
        while try reader.pull(hub, token: token, limit: 1000) {}
        return reader.seen
    }

    /// Whether `changes` hold each of `node`'s numbers 1...n exactly once.
    static func whole(_ changes: [String], node: String, count n: Int) -> Bool {
        let own = changes.filter { $0.hasPrefix(node + "/") }
        return own.count == n && Set(own) == Set((1...n).map { "\(node)/\($0)" })
    }

    /// What is wrong with `node`'s numbers in `changes`, briefly: how many, repeats, the first gap.
    static func summary(_ changes: [String], node: String) -> Comment {
        let numbers = changes.filter { $0.hasPrefix(node + "/") }.compactMap { Int($0.split(separator: "/").last ?? "") }
        let distinct = Set(numbers)
        let gap = (1...max(1, numbers.max() ?? 1)).first { !distinct.contains($0) }
        return
            "\(changes.count) changes, \(numbers.count) of the node's, \(numbers.count - distinct.count) repeated, first missing number: \(gap.map(String.init) ?? "none")"
    }

    /// Waits (a bounded poll of `/v1/health`) until relhub reaches its database again.
    static func waitUntilServing(_ hub: String, token: String, timeout: TimeInterval = 90) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try PostgresHubTests.call("GET", hub + "/v1/health", token: token).status == 200 { return }
            usleep(100_000)
        }
        throw HarnessError("relhub at \(hub) did not reach its database again within \(timeout) s")
    }

    static func nodeID(_ daemon: Daemon) throws -> String {
        try #require((try parseJSON(daemon.relctl("--json", "status").stdout) as? [String: Any])?["node_id"] as? String)
    }

    @Test func aDatabaseRestartIsAnsweredWith503AndNothingIsLost() throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let tokenFile = try Hub.makeToken(in: dir)
            let token = try Hub.tokenText(tokenFile)
            let hub = try Hub.start(dir: dir, tokenFile: tokenFile, database: cluster)
            let url = "http://127.0.0.1:\(hub.port)"
            let node = try Daemon(dir: dir, extraArguments: ["--feed", url, "--token-file", tokenFile, "--sync-interval", "3600"])
            defer { _ = try? node.stop(SIGKILL) }
            #expect(try node.relctl("add-event", "--id", "before", "--title", "Before", "--category", "military").status == 0)
            #expect(try node.relctl("sync").status == 0)

            // Down: every answer that needs the database is a 503 that says when to retry.
            cluster.stop()
            let down = try run(
                "/usr/bin/curl", ["-s", "-i", "-H", "Authorization: Bearer \(token)", url + "/v1/changes?since=0"], timeout: 60)
            #expect(down.stdout.hasPrefix("HTTP/1.1 503"), "\(down.stdout)")
            #expect(down.stdout.lowercased().contains("retry-after: 5"), "\(down.stdout)")
            #expect(down.stdout.contains("\"store_unavailable\""), "\(down.stdout)")
            #expect(try node.relctl("add-event", "--id", "during", "--title", "During", "--category", "military").status == 0)
            let failed = try node.relctl("sync")
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            #expect(failed.stderr.contains("503"), "\(failed.stderr)")

            // Back: relhub reconnects by itself (its pool retries, backing off); the node pushes
            // what waited.
            try cluster.restart()
            try Self.waitUntilServing(url, token: token)
            let synced = try node.relctl("sync")
            #expect(synced.status == 0, "\(synced.stderr)")
            #expect(try node.relctl("add-event", "--id", "after", "--title", "After", "--category", "military").status == 0)
            #expect(try node.relctl("sync").status == 0)

            // And after a crash (SIGKILL: PostgreSQL recovers from its log), the same.
            cluster.kill9()
            try cluster.restart()
            try Self.waitUntilServing(url, token: token)
            #expect(try node.relctl("add-event", "--id", "recovered", "--title", "Recovered", "--category", "military").status == 0)
            let again = try node.relctl("sync")
            #expect(again.status == 0, "\(again.stderr)")

            let id = try Self.nodeID(node)
            let pending = (try parseJSON(node.relctl("--json", "status").stdout) as? [String: Any])?["pending_changes"] as? Int
            #expect(pending == 0)
            let changes = try Self.log(url, token: token)
            let written = changes.filter { $0.hasPrefix(id + "/") }.count
            #expect(written > 0 && Self.whole(changes, node: id, count: written), Self.summary(changes, node: id))
            #expect(hub.process.isRunning, "relhub outlived its database's restarts")
        }
    }

    @Test func aRelhubKilledMidPushLosesNothingAndTheNodeGoesOnThroughAnother() throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let tokenFile = try Hub.makeToken(in: dir)
            let token = try Hub.tokenText(tokenFile)
            let hubs = try (0..<3).map { try Hub.start(dir: dir, tokenFile: tokenFile, stateDir: dir.file("hub\($0)"), database: cluster) }
            let urls = hubs.map { "http://127.0.0.1:\($0.port)" }
            // Enough changes for many pushes: the node's import of 1,500 events.
            let records = (0..<1500).map { i in
                "{\"id\":\"bulk-\(i)\",\"kind\":\"event\",\"title\":\"Bulk \(i)\",\"category\":\"economic\"}"
            }
            let file = dir.file("bulk.json")
            try ("[" + records.joined(separator: ",") + "]").write(toFile: file, atomically: true, encoding: .utf8)
            var node = try Daemon(
                dir: dir, stateDir: dir.file("node"), socket: dir.file("node.sock"),
                extraArguments: ["--feed", urls[0], "--token-file", tokenFile, "--sync-interval", "3600"])
            #expect(try node.relctl("import", file).status == 0)
            let id = try Self.nodeID(node)

            // The push goes to the first relhub; it dies once part of it is in the feed.
            let sync = try spawn(Binaries.relctl, ["--socket", node.socket, "sync"], logFile: dir.file("sync.log"))
            let deadline = Date().addingTimeInterval(60)
            var head: Int64 = 0
            while head == 0, Date() < deadline {
                let health = try? PostgresHubTests.call("GET", urls[1] + "/v1/health", token: token)
                head =
                    ((try? health.map { try parseJSON($0.body) }) as? [String: Any])?["head"].flatMap { ($0 as? NSNumber)?.int64Value } ?? 0
            }
            hubs[0].stop(SIGKILL)
            sync.waitUntilExit()
            #expect(head > 0, "part of the push was in the feed before relhub died")

            // The node goes on through another relhub (as a load balancer would send it).
            _ = try node.stop()
            node = try Daemon(
                dir: dir, stateDir: dir.file("node"), socket: dir.file("node.sock"),
                extraArguments: ["--feed", urls[1], "--token-file", tokenFile, "--sync-interval", "3600"])
            defer { _ = try? node.stop(SIGKILL) }
            #expect(try node.relctl("sync").status == 0)
            let pending = (try parseJSON(node.relctl("--json", "status").stdout) as? [String: Any])?["pending_changes"] as? Int
            #expect(pending == 0)
            // The node may have begun pushing on its own right after the import (a round follows
            // local writes), so its count is read from the feed and checked whole.
            let changes = try Self.log(urls[2], token: token)
            #expect(changes.count >= 1500 * 3, "\(changes.count) changes")
            #expect(Self.whole(changes, node: id, count: changes.count), Self.summary(changes, node: id))
        }
    }

    /// A database that refuses relhub (a wrong password, a database that does not exist) is
    /// said at start, in PostgreSQL's words with the fix, and relhub exits 1 at once instead
    /// of retrying a login that cannot succeed; the password is never echoed.
    @Test func aDatabaseThatRefusesRelhubIsSaidAtStartAndRelhubExits() throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let token = try Hub.makeToken(in: dir)
            let wrong = dir.file("wrong-password")
            try "not-the-password-4c1d\n".write(toFile: wrong, atomically: true, encoding: .utf8)
            chmod(wrong, 0o600)
            let base = ["--listen", "127.0.0.1:0", "--state-dir", dir.file("unused"), "--token-file", token]
            let started = Date()
            let refused = try run(Binaries.relhub, base + ["--database", cluster.url, "--database-password-file", wrong], timeout: 30)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("PostgreSQL 28P01: password authentication failed"), "\(refused.stderr)")
            #expect(refused.stderr.contains("check the role's password (--database-password-file"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("not-the-password-4c1d"))
            let noDatabase = cluster.url.replacingOccurrences(of: "/relhub?", with: "/nosuchdb?")
            let missing = try run(
                Binaries.relhub, base + ["--database", noDatabase, "--database-password-file", cluster.passwordFile], timeout: 30)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("database \"nosuchdb\" does not exist; create the database"), "\(missing.stderr)")
            // Both within seconds, where waiting for the pool took a minute.
            #expect(Date().timeIntervalSince(started) < 20)
        }
    }
}
