import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// relhub with its feed in PostgreSQL (a throwaway cluster per test, ``PostgresCluster``): it
/// answers like relhub on SQLite, byte for byte, and several relhubs on one database serve one
/// feed that every reader gets whole, each change once.
@Suite("relhub on PostgreSQL", .serialized)
struct PostgresHubTests {
    /// An HTTP exchange with curl: the body, then the status code on a line of its own.
    static func call(
        _ method: String, _ url: String, token: String, body: String? = nil, headers: [String] = []
    ) throws -> (status: Int, body: String) {
        var arguments = ["-sS", "-X", method, "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)"]
        for header in headers { arguments += ["-H", header] }
        if body != nil { arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
        let output = try run("/usr/bin/curl", arguments + [url], stdin: body.map { Data($0.utf8) })
        guard output.status == 0, let cut = output.stdout.lastIndex(of: "\n") else {
            throw HarnessError("curl \(method) \(url) failed: \(output.stderr)")
        }
        return (Int(output.stdout[output.stdout.index(after: cut)...]) ?? 0, String(output.stdout[..<cut]))
    }

    /// The clock value of now, plus `ms` milliseconds.
    static func hlc(_ ms: Int64 = 0) -> Int64 { (Int64(Date().timeIntervalSince1970 * 1000) + ms) << 16 }

    /// One change in wire form; `value` is JSON text.
    static func change(
        _ node: String, _ seq: Int64, _ record: String, _ field: String, _ value: String, hlc: Int64, bases: String = "[]"
    ) -> String {
        "{\"node\":\"\(node)\",\"node_seq\":\(seq),\"record_id\":\"\(record)\",\"field\":\"\(field)\",\"value\":\(value),\"hlc\":\(hlc),\"bases\":\(bases)}"
    }

    static func batch(_ changes: [String]) -> String { "{\"changes\":[" + changes.joined(separator: ",") + "]}" }

    /// Every page of `hub` from the start with `query`, following its `next`, each with its
    /// position (`"next":N`) taken out.
    static func walk(_ hub: String, query: String, token: String) throws -> [String] {
        var pages: [String] = []
        var since: Int64 = 0
        while pages.count < 100 {
            let answer = try call("GET", hub + "/v1/changes?since=\(since)&\(query)", token: token)
            let page = try #require(try parseJSON(answer.body) as? [String: Any], "\(answer)")
            pages.append(answer.body.replacingOccurrences(of: "\"next\":\(page["next"] ?? "?")", with: "\"next\":N"))
            since = (page["next"] as? NSNumber)?.int64Value ?? since
            if page["more"] as? Bool != true { break }
        }
        return pages
    }

    @Test func aHubOnPostgresAnswersEveryPushAndReadAsOneOnSQLite() throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let tokens = dir.file("tokens")
            let (a, b) = ("token-a-" + String(repeating: "a", count: 24), "token-b-" + String(repeating: "b", count: 24))
            try "\(a)\n\(b)\n".write(toFile: tokens, atomically: true, encoding: .utf8)
            chmod(tokens, 0o600)
            let settings = "json_feed = \"token\"\n"
            let sqlite = try Hub.start(dir: dir, tokenFile: tokens, stateDir: dir.file("sqlite-hub"), settings: settings)
            let postgres = try Hub.start(dir: dir, tokenFile: tokens, stateDir: dir.file("unused"), settings: settings, database: cluster)
            let hubs = [sqlite, postgres].map { "http://127.0.0.1:\($0.port)" }
            let feedIDs = try hubs.map { hub in
                try #require(try parseJSON(Self.call("GET", hub + "/v1/health", token: a).body) as? [String: Any])["feed_id"] as? String
                    ?? ""
            }

            let t = Self.hlc()
            let stamp = { (ms: Int64, node: String) in "[\(t + (ms << 16)),\"\(node)\"]" }
            let created = [
                Self.change("node-a", 1, "ev1", "_kind", "\"event\"", hlc: t),
                Self.change("node-a", 2, "ev1", "title", "\"Talks in Bamako\"", hlc: t),
                Self.change("node-a", 3, "ev1", "category", "\"diplomatic\"", hlc: t),
                Self.change("node-a", 4, "ev1", "parties", "[\"ML\",\"RU\"]", hlc: t),
            ]
            // (token, Reld-Node, body): every kind of answer a push can get, in order.
            let pushes: [(String, String, String)] = [
                (a, "node-a", Self.batch(created)),
                (a, "node-a", Self.batch(created)),  // a replay: all duplicates
                (
                    b, "node-b",
                    Self.batch([
                        Self.change("node-b", 1, "ev1", "title", "\"Talks in Kidal\"", hlc: t + (5 << 16), bases: "[\(stamp(0, "node-a"))]")
                    ])
                ),
                (
                    a, "node-a",
                    Self.batch([
                        Self.change("node-a", 5, "ev1", "title", "\"Talks (A)\"", hlc: t + (6 << 16), bases: "[\(stamp(0, "node-a"))]")
                    ])
                ),
                (
                    a, "node-a",
                    Self.batch([Self.change("node-a", 6, "ev1", "notes", "\"Kéïta \\\"q\\\" \\\\ line\\nnext 😀\"", hlc: t + (7 << 16))])
                ),
                (b, "node-b", Self.batch([Self.change("node-a", 7, "ev1", "notes", "\"not yours\"", hlc: t + (8 << 16))])),  // 403
                (a, "node-a", Self.batch([Self.change("node-a", 9, "ev1", "notes", "\"gap\"", hlc: t + (8 << 16))])),  // 409 gap
                (a, "node-a", Self.batch([Self.change("node-a", 2, "ev1", "title", "\"reused\"", hlc: t + (9 << 16))])),  // 409 reused
                (a, "node-a", Self.batch([Self.change("node-a", 7, "ev1", "title", "42", hlc: t + (9 << 16))])),  // 422
                (
                    b, "node-b",
                    Self.batch([
                        Self.change(
                            "node-b", 2, "ev1", "title", "\"Talks (B, closing)\"", hlc: t + (10 << 16),
                            bases: "[\(stamp(5, "node-b")),\(stamp(6, "node-a"))]"),
                        Self.change("node-b", 3, "ev2", "_kind", "\"agreement\"", hlc: t + (10 << 16)),
                        Self.change("node-b", 4, "ev2", "title", "\"Mining convention\"", hlc: t + (10 << 16)),
                        Self.change("node-b", 5, "ev2", "category", "\"mining\"", hlc: t + (10 << 16)),
                        Self.change("node-b", 6, "ev1", "_deleted", "true", hlc: t + (11 << 16)),
                    ])
                ),
            ]
            for (i, (token, node, body)) in pushes.enumerated() {
                let answers = try hubs.map {
                    try Self.call("POST", $0 + "/v1/changes", token: token, body: body, headers: ["Reld-Node: \(node)"])
                }
                #expect(answers[0].status == answers[1].status, "push \(i): \(answers[0]) and \(answers[1])")
                #expect(answers[0].body == answers[1].body, "push \(i)")
            }
            // Every read, in both clock forms and with the asker's own changes left out. A
            // position is the hub's own (SQLite's numbering skips the numbers a replayed change
            // was given and dropped): each hub's pages are read following its own `next`.
            for query in [
                "limit=3", "limit=2&hlc=string", "limit=2&exclude_node=node-a&exclude_upto=4", "limit=1&exclude_node=node-b&exclude_upto=9",
            ] {
                let walks = try hubs.enumerated().map { i, hub in
                    try Self.walk(hub, query: query, token: a).map { $0.replacingOccurrences(of: feedIDs[i], with: "FEED") }
                }
                #expect(walks[0] == walks[1], "\(query):\n\(walks[0].joined(separator: "\n"))\n\(walks[1].joined(separator: "\n"))")
                #expect(walks[0].count > 1)
            }
            for path in ["/v1/snapshot", "/v1/snapshot?hlc=string", "/feed.json"] {
                let answers = try hubs.map { try Self.call("GET", $0 + path, token: a) }
                #expect(answers[0].status == 200 && answers[1].status == 200, "\(path)")
                let same = answers[1].body.replacingOccurrences(of: feedIDs[1], with: feedIDs[0])
                #expect(answers[0].body == same, "\(path):\n\(answers[0].body)\n\(same)")
            }
            for hub in hubs { #expect(try Self.call("GET", hub + "/v1/changes?since=99", token: a).status == 410) }
            let page = try #require(try parseJSON(Self.call("GET", hubs[1] + "/v1/changes?since=0", token: a).body) as? [String: Any])
            #expect((page["changes"] as? [Any])?.count == 12, "4 + 1 + 1 + 1 + 5 changes, nothing of the refused pushes")
            _ = (sqlite, postgres)
        }
    }
}

/// Several relhubs on one database, with replicas pushing into each at once.
@Suite("Several relhubs on one PostgreSQL database", .serialized)
struct PostgresScaleOutTests {
    /// What a reader pulled: every change's (node, node_seq) in the order the pages gave them.
    final class Reader: @unchecked Sendable {
        let lock = NSLock()
        var seen: [String] = []
        var cursor: Int64 = 0

        /// Pulls one page of at most `limit` changes from `hub` after the cursor; returns
        /// whether more followed.
        func pull(_ hub: String, token: String, limit: Int = 7) throws -> Bool {
            let answer = try PostgresHubTests.call("GET", hub + "/v1/changes?since=\(cursor)&limit=\(limit)", token: token)
            guard answer.status == 200, let page = try parseJSON(answer.body) as? [String: Any] else {
                throw HarnessError("pull from \(hub) answered \(answer.status): \(answer.body)")
            }
            for case let change as [String: Any] in page["changes"] as? [Any] ?? [] {
                seen.append("\(change["node"] ?? "?")/\(change["node_seq"] ?? "?")")
            }
            let next = (page["next"] as? NSNumber)?.int64Value ?? cursor
            #expect(next >= cursor, "a cursor never goes back")
            cursor = next
            return page["more"] as? Bool ?? false
        }
    }

    @Test func threeRelhubsServeOneFeedAndEveryReaderGetsEveryChangeOnce() throws {
        try withPostgresCluster { cluster in
            let dir = try TempDir()
            defer { dir.remove() }
            let tokenFile = try Hub.makeToken(in: dir)
            let token = try Hub.tokenText(tokenFile)
            let hubs = try (0..<3).map { i in
                try Hub.start(dir: dir, tokenFile: tokenFile, stateDir: dir.file("hub\(i)"), database: cluster)
            }
            let urls = hubs.map { "http://127.0.0.1:\($0.port)" }
            let ids = try urls.map { url in
                (try parseJSON(PostgresHubTests.call("GET", url + "/v1/health", token: token).body) as? [String: Any])?["feed_id"]
                    as? String
            }
            #expect(Set(ids).count == 1 && ids[0] != nil, "one feed: \(ids)")

            // Each node pushes into its own relhub, all at once, while two readers pull from
            // all three in turn, in small pages.
            let nodes = try (0..<3).map { i in
                try Daemon(
                    dir: dir, stateDir: dir.file("node\(i)"), socket: dir.file("node\(i).sock"),
                    extraArguments: ["--feed", urls[i], "--token-file", tokenFile, "--sync-interval", "3600"])
            }
            defer { for node in nodes { _ = try? node.stop(SIGKILL) } }
            let readers = [Reader(), Reader()]
            let writing = DispatchGroup()
            let problems = Mutex<[String]>([])
            for (i, node) in nodes.enumerated() {
                DispatchQueue.global().async(group: writing) {
                    for round in 0..<4 {
                        for n in 0..<3 {
                            let added = try? node.relctl(
                                "add-event", "--id", "n\(i)-r\(round)-\(n)", "--title", "Event \(i).\(round).\(n)", "--category",
                                "diplomatic")
                            if added?.status != 0 { problems.withLock { $0.append("add on node \(i): \(added?.stderr ?? "")") } }
                        }
                        let synced = try? node.relctl("sync")
                        if synced?.status != 0 { problems.withLock { $0.append("sync of node \(i): \(synced?.stderr ?? "")") } }
                    }
                }
            }
            var turn = 0
            while writing.wait(timeout: .now()) == .timedOut {
                for reader in readers {
                    _ = try reader.pull(urls[turn % 3], token: token)
                    turn += 1
                }
            }
            #expect(problems.withLock { $0.isEmpty }, "\(problems.withLock { $0 })")
            for reader in readers {
                while try reader.pull(urls[turn % 3], token: token) { turn += 1 }
            }

            // The whole feed, read once from the start from one relhub.
            let whole = Reader()
            while try whole.pull(urls[0], token: token, limit: 1000) {}
            let perEvent = whole.seen.count / 36
            #expect(whole.seen.count == 36 * perEvent && perEvent > 0, "\(whole.seen.count) changes for 36 events")
            #expect(Set(whole.seen).count == whole.seen.count, "no change twice in the log")
            for reader in readers {
                #expect(
                    reader.seen == whole.seen,
                    "a reader pulling from all three relhubs while they were written got the log, each change once, in order")
            }
            // Each node's changes in its own order: a later number is never served before an earlier one.
            for node in nodes {
                let status = try parseJSON(node.relctl("--json", "status").stdout) as? [String: Any]
                let id = try #require(status?["node_id"] as? String)
                let own = whole.seen.filter { $0.hasPrefix(id + "/") }.map { Int($0.split(separator: "/")[1]) ?? 0 }
                #expect(own == own.sorted() && own.count == 12 * perEvent)
            }
            // And the replicas agree.
            for node in nodes { #expect(try node.relctl("sync").status == 0) }
            let lists = try nodes.map { try $0.relctl("--json", "list", "--limit", "100").stdout }
            #expect(lists[0] == lists[1] && lists[1] == lists[2])
            #expect(lists[0].contains("n2-r3-2"))
            _ = hubs
        }
    }
}
