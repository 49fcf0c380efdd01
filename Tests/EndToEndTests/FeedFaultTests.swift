import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// reld syncing with relhub through `Tests/faults/feed-fault-proxy.py`, which refuses, resets,
/// stalls, truncates, corrupts and floods the feed at random: reld stays up, never holds part of
/// a page, says what is wrong, backs off, and converges once the faults stop.
///
/// `RELD_FAULT_ROUNDS=N`: least number of sync rounds through the faults (default 24).
/// `RELD_FAULT_SEED=N`: the proxy's seed (default random, printed).
/// `RELD_FAULT_STALL_SECONDS=S`: how long a stall holds before the proxy closes (default 2). reld's
/// read timeout is 60 s and has no flag, so only S > 60 makes reld itself time out.
@Suite("Feed faults", .serialized)
struct FeedFaultTests {
    static let environment = ProcessInfo.processInfo.environment
    static let stall = environment["RELD_FAULT_STALL_SECONDS"].flatMap(Double.init) ?? 2
    static let classes = [
        "refuse", "reset", "server_error", "rate_limit", "stall", "truncate",
        "corrupt_json", "wrong_types", "oversize", "dribble",
    ]

    @Test func randomFaultsNeverLeavePartOfAPageAndTheNodesConverge() throws {
        let minRounds = Self.environment["RELD_FAULT_ROUNDS"].flatMap(Int.init) ?? 24
        let seed = Self.environment["RELD_FAULT_SEED"].flatMap(Int.init) ?? Int.random(in: 1...999_999)
        let started = Date()
        let net = try Network()
        defer { net.remove() }
        let proxy = try FaultProxy(net, seed: seed, rate: 0.6)
        defer { proxy.stop() }
        let b = try net.node("b", feed: proxy.url, interval: 1)
        defer { _ = try? b.stop(SIGKILL) }
        // C follows the hub's snapshot document through the proxy (read-only; its own loop only).
        let c = try net.node("c", feed: proxy.url + "/ledger.json", interval: 1)
        defer { _ = try? c.stop(SIGKILL) }

        // Both nodes keep writing while B syncs through the faults: rounds driven by relctl (which
        // skips the backoff wait) and B's own loop (interval 1 s, max_backoff 3 s) both run.
        var errors: [String: Int] = [:]
        var failed = 0
        var round = 0
        func fired(_ n: Int) throws -> Bool { try proxy.counts().values.allSatisfy { $0 >= n } }
        while true {
            // At least minRounds; then on until every class has fired twice (bounded).
            if round >= minRounds, try round >= minRounds * 4 || fired(2) { break }
            if round % 6 == 5 {
                try net.add(to: net.a, (0..<100).map { "a\(round)-\($0)" })
            } else {
                try net.add(to: net.a, ["a\(round)"])
            }
            try net.add(to: b, ["b\(round)"])
            let sync = try net.sync(b)
            if sync.status != 0 {
                failed += 1
                #expect(sync.stderr.contains("feed"), "relctl sync says what failed: \(sync.stderr)")
            }
            for (name, node) in [("B", b), ("C", c)] where !node.process.isRunning {
                Issue.record(
                    "reld \(name) died during round \(round) (status \(node.process.terminationStatus)):\n\(node.log.suffix(3000))")
                return
            }
            try net.checkWholePages(b, "round \(round)")
            let state = try net.status(b)["sync"] as? [String: Any] ?? [:]
            if let error = state["last_error"] as? String {
                let kind = error.replacingOccurrences(of: proxy.url, with: "PROXY")
                    .replacingOccurrences(of: #"\?since=\d+&limit=\d+|column \d+|changes\[\d+\]"#, with: "…", options: .regularExpression)
                errors[kind, default: 0] += 1
                #expect(["backing_off", "offline", "syncing"].contains(state["state"] as? String ?? ""), "\(state)")
            }
            round += 1
        }
        #expect(!errors.isEmpty, "relctl status named a failure at some point")
        #expect(failed > 0, "faults made some of B's rounds fail")

        // Faults off: a few rounds each way and both nodes hold the same records, all of them.
        proxy.faults(on: false)
        let deadline = Date().addingTimeInterval(60)
        var same = false
        while !same, Date() < deadline {
            let results = try [net.sync(b), net.a.relctl("sync"), net.sync(b), net.sync(c)]
            guard results.allSatisfy({ $0.status == 0 }) else { continue }
            same = try net.a.relctl("export").stdout == b.relctl("export").stdout
        }
        #expect(same, "A and B export the same once the faults stop")
        #expect(try c.relctl("export").stdout == net.a.relctl("export").stdout, "C, on the snapshot, holds the same too")
        let exported = try parseJSON(try b.relctl("export").stdout) as? [[String: Any]] ?? []
        let ids = Set(exported.compactMap { $0["id"] as? String })
        let expected = Set(net.written.ids)
        #expect(
            ids == expected,
            "missing: \(expected.subtracting(ids).sorted().prefix(5)), extra: \(ids.subtracting(expected).sorted().prefix(5))")
        let (cursor, held) = try net.checkWholePages(b, "after convergence")
        let fromA = Int(
            try net.sql(net.dir.file("hub/relhub.sqlite"), "SELECT count(*) FROM changes WHERE node = '\(net.nodeA)';").first ?? "")
        #expect(
            cursor == (try net.hubHead()) && held == fromA && held > 0, "B is at the hub's head (\(cursor)) with all \(held) of A's changes"
        )
        let final = try net.status(b)["sync"] as? [String: Any] ?? [:]
        #expect(final["last_error"] == nil && final["state"] as? String == "idle", "\(final)")
        // Rounds on the interval alone (no relctl sync, no local write on B or C) bring a new
        // record. (This found that the interval never came due after a successful round.)
        try net.add(to: net.a, ["late"])
        #expect(try net.a.relctl("sync").status == 0)
        let start = Date()
        let due = start.addingTimeInterval(10)
        var got = false
        while !got, Date() < due {
            got = try [b, c].allSatisfy { try $0.relctl("show", "late").status == 0 }
            if !got { usleep(100_000) }
        }
        let states = try [b, c].map { try net.status($0)["sync"] ?? "-" }
        #expect(got, "B and C pull a new record on their 1 s interval (waited \(Date().timeIntervalSince(start)) s): \(states)")
        net.checkIntegrity()

        let counts = try proxy.counts()
        for name in Self.classes { #expect((counts[name] ?? 0) >= 1, "fault class \(name) fired: \(counts)") }
        let summary = Self.classes.map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " ")
        print(
            "feed faults: seed \(seed), \(round) rounds (\(failed) failed), \(ids.count) records, \(String(format: "%.1f", Date().timeIntervalSince(started))) s; \(summary)"
        )
        let stats = try proxy.stats()
        let byRoute = stats["faults_by_route"] as? [String: [String: Int]] ?? [:]
        for route in ["GET /v1/changes", "POST /v1/changes"] {
            #expect(byRoute[route]?.values.reduce(0, +) ?? 0 > 0, "faults on \(route): \(byRoute)")
        }
        print(
            "feed faults: \(stats["requests"] ?? 0) requests, \(stats["faulted"] ?? 0) faulted; routes \(stats["routes"] ?? [:]); B at cursor \(cursor) holding \(held) of A's changes"
        )
        print("feed faults: by route \(byRoute)")
        print("feed faults: details \(stats["details"] ?? [:])")
        for (error, n) in errors.sorted(by: { $0.key < $1.key }) { print("feed faults: last_error x\(n): \(error)") }
    }

    /// One class at a time, every request faulted: what relctl and `relctl status` say for each,
    /// and that a 429's Retry-After holds B's own retries back.
    @Test func eachFaultIsReportedForWhatItIs() throws {
        let net = try Network()
        defer { net.remove() }
        var proxy = try FaultProxy(net, seed: 1, rate: 1, on: false)
        defer { proxy.stop() }
        // Rounds on demand only (and backoff retries): each row's message is from its own round.
        let b = try net.node("b", feed: proxy.url, interval: 3600)
        defer { _ = try? b.stop(SIGKILL) }
        #expect(try net.sync(b).status == 0)
        try net.checkWholePages(b, "first pull")

        let timeout = Self.stall > 60 ? "no answer in time" : "unreachable"
        let rows: [(String, String?, String?)] = [
            ("refuse", nil, "unreachable"), ("reset", nil, "unreachable"), ("server_error", nil, "answered HTTP 50"),
            ("rate_limit", nil, "answered HTTP 429"), ("stall", nil, timeout), ("truncate", nil, "unreachable"),
            ("corrupt_json", nil, "sent something that is not a reld feed"),
            ("wrong_types", nil, "sent something that is not a reld feed"),
            ("oversize", "declared", "sent more than"), ("oversize", "chunked", "sent more than"),
            ("oversize", "gzip", "sent more than"), ("dribble", nil, nil),
        ]
        for (n, (name, mode, expected)) in rows.enumerated() {
            let port = proxy.port
            proxy.stop()
            proxy = try FaultProxy(net, seed: n, rate: 1, classes: [name], oversize: mode, port: port)
            try net.add(to: net.a, ["row\(n)"])
            #expect(try net.a.relctl("sync").status == 0)
            try net.add(to: b, ["brow\(n)"])
            let before = Date()
            let out = try net.sync(b)
            let sync = try net.status(b)["sync"] as? [String: Any] ?? [:]
            let error = sync["last_error"] as? String
            let row = name + (mode.map { "/\($0)" } ?? "")
            print("feed faults: \(row): exit \(out.status), state \(sync["state"] ?? "-"), last_error: \(error ?? "none")")
            #expect(b.process.isRunning, "reld B is alive after \(row)")
            try net.checkWholePages(b, row)
            if let expected {
                #expect(out.status == 1 && out.stderr.contains(expected), "\(row): \(out.stderr)")
                #expect(error?.contains(expected) == true, "\(row): status says \(error ?? "nothing")")
                #expect(sync["next_attempt"] is String, "\(row): a next attempt is scheduled")
            } else {
                #expect(out.status == 0 && error == nil, "\(row) is slow but whole: \(out.stderr)")
            }
            if name == "rate_limit" {
                // Retry-After 5 > max_backoff 3: the next try waits for the feed's word.
                let next = (sync["next_attempt"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
                #expect(next.map { $0.timeIntervalSince(before) >= 4 } == true, "next attempt \(sync["next_attempt"] ?? "-")")
                let requests = try proxy.stats()["requests"] as? Int
                usleep(3_000_000)  // a measurement of quiet, not a wait for readiness
                #expect(try proxy.stats()["requests"] as? Int == requests, "no retry before Retry-After")
            }
        }
        proxy.faults(on: false)
        #expect(try net.sync(b).status == 0)
        #expect(try net.a.relctl("sync").status == 0)
        #expect(try net.sync(b).status == 0)
        #expect(try net.a.relctl("export").stdout == b.relctl("export").stdout)
        net.checkIntegrity()
    }
}

/// relhub, node A syncing with it directly (with several pages of records), and what was written.
final class Network {
    let dir: TempDir
    let token: String
    let hub: ServerProcess
    let a: Daemon
    let nodeA: String
    let written = Acknowledged()
    private var nodes: [Daemon] = []

    init() throws {
        dir = try TempDir()
        token = try Hub.makeToken(in: dir)
        hub = try Hub.start(dir: dir, tokenFile: token)
        a = try Daemon(
            dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"),
            extraArguments: ["--feed", "http://127.0.0.1:\(hub.port)", "--token-file", token, "--sync-interval", "1"])
        nodeA = (try parseJSON(try a.relctl("--json", "status").stdout) as? [String: Any])?["node_id"] as? String ?? ""
        guard !nodeA.isEmpty else { throw HarnessError("no node_id in A's status") }
        // Pages are 1,000 changes at most: this makes several, so a page half applied would show.
        try add(to: a, (0..<300).map { "seed-\($0)" })
        guard try a.relctl("sync").status == 0 else { throw HarnessError("A could not sync:\n\(a.log)") }
    }

    /// A reld following `feed`; `max_backoff` is kept short so its own retries keep coming.
    func node(_ name: String, feed: String, interval: Int) throws -> Daemon {
        let config = dir.file("\(name).toml")
        try "[sync]\nmax_backoff = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let d = try Daemon(
            dir: dir, stateDir: dir.file(name), socket: dir.file("\(name).sock"),
            extraArguments: [
                "--config", config, "--feed", feed, "--token-file", token, "--sync-interval", "\(interval)",
            ])
        nodes.append(d)
        return d
    }

    /// Writes records `ids` on `node` (one add, or an import), remembering those it acknowledged.
    func add(to node: Daemon, _ ids: [String]) throws {
        let out: Output
        if ids.count == 1 {
            out = try node.relctl("add-event", "--id", ids[0], "--title", "Record \(ids[0])", "--category", "diplomatic")
        } else {
            let records = ids.map {
                "{\"id\":\"\($0)\",\"kind\":\"event\",\"title\":\"Record \($0)\",\"category\":\"military\",\"date\":\"2023-01-02\"}"
            }
            let file = dir.file("import.json")
            try ("[" + records.joined(separator: ",") + "]").write(toFile: file, atomically: true, encoding: .utf8)
            out = try node.relctl("import", file)
        }
        #expect(out.status == 0, "local writes never wait on the feed: \(out.stderr)")
        if out.status == 0 { written.add(ids) }
    }

    /// `relctl sync`, allowed to outlast stalls (a round can hit more than one).
    func sync(_ node: Daemon) throws -> Output {
        try run(Binaries.relctl, ["--socket", node.socket, "sync"], timeout: max(60, FeedFaultTests.stall * 5))
    }

    func status(_ node: Daemon) throws -> [String: Any] {
        try parseJSON(try node.relctl("--json", "status").stdout) as? [String: Any] ?? [:]
    }

    /// Reads a database read-only while its owner runs.
    func sql(_ path: String, _ query: String) throws -> [String] {
        let out = try run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 5000", "file:\(path)?mode=ro", query])
        guard out.status == 0 else { throw HarnessError("sqlite3 \(path): \(out.stderr)") }
        return out.stdout.split(separator: "\n").map(String.init)
    }

    func hubHead() throws -> Int {
        Int(try sql(dir.file("hub/relhub.sqlite"), "SELECT coalesce(max(seq), 0) FROM changes;").first ?? "") ?? -1
    }

    /// `node` holds exactly A's changes that the hub had up to `node`'s cursor, numbered 1...n:
    /// a page is applied whole with its cursor, or not at all. Returns the cursor and that count.
    @discardableResult
    func checkWholePages(_ node: Daemon, _ context: String) throws -> (cursor: Int, held: Int) {
        // One statement, one read transaction: the cursor and the changes are seen together.
        let row =
            try sql(
                node.stateDir + "/reld.sqlite",
                """
                SELECT coalesce((SELECT value FROM meta WHERE key = 'feed_cursor'), 0), count(*), coalesce(max(node_seq), 0)
                FROM changes WHERE node = '\(nodeA)';
                """
            ).first?.split(separator: "|").compactMap { Int($0) } ?? []
        guard row.count == 3 else { throw HarnessError("\(context): unreadable cursor row") }
        let (cursor, held, top) = (row[0], row[1], row[2])
        let hub =
            Int(
                try sql(
                    dir.file("hub/relhub.sqlite"),
                    "SELECT count(*) FROM changes WHERE node = '\(nodeA)' AND seq <= \(cursor);"
                ).first ?? "") ?? -1
        #expect(
            held == hub && top == held,
            "\(context): B holds \(held) of A's changes (highest node_seq \(top)) at cursor \(cursor); the hub had \(hub) up to there")
        return (cursor, held)
    }

    func checkIntegrity() {
        for db in [dir.file("hub/relhub.sqlite"), dir.file("a/reld.sqlite")] + nodes.map({ $0.stateDir + "/reld.sqlite" }) {
            #expect((try? sql(db, "PRAGMA integrity_check;")) == ["ok"], "integrity of \(db)")
        }
    }

    func remove() {
        for d in nodes + [a] { _ = try? d.stop(SIGKILL) }
        hub.stop(SIGKILL)
        dir.remove()
    }
}

/// `feed-fault-proxy.py` in front of the network's hub, waited for by its ready line.
final class FaultProxy {
    static let script = Binaries.packageRoot.appendingPathComponent("Tests/faults/feed-fault-proxy.py").path
    let server: ServerProcess
    let statsFile: String
    let offFile: String
    var port: Int { server.port }
    var url: String { "http://127.0.0.1:\(port)" }

    init(
        _ net: Network, seed: Int, rate: Double, classes: [String]? = nil, oversize: String? = nil, port: Int = 0,
        on: Bool = true
    ) throws {
        statsFile = net.dir.file("proxy-stats.json")
        offFile = net.dir.file("proxy-off")
        var arguments = [
            "python3", "-u", Self.script, "--listen", "127.0.0.1:\(port)", "--upstream", "127.0.0.1:\(net.hub.port)",
            "--seed", "\(seed)", "--fault-rate", "\(rate)", "--stats", statsFile, "--off-file", offFile,
            "--stall", "\(FeedFaultTests.stall)", "--dribble", "1", "--retry-after", "5",
        ]
        if let classes { arguments += ["--classes", classes.joined(separator: ",")] }
        if let oversize { arguments += ["--oversize-modes", oversize] }
        if on { unlink(offFile) } else { _ = FileManager.default.createFile(atPath: offFile, contents: nil) }
        server = try ServerProcess(dir: net.dir, name: "proxy", executable: "/usr/bin/env", arguments: arguments) { log in
            guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix("ready listen=") }) else { return nil }
            return line.split(separator: ":").last.flatMap { Int($0) }
        }
    }

    /// Faults stop while the off file exists (the proxy looks for it on every request).
    func faults(on: Bool) {
        if on { unlink(offFile) } else { _ = FileManager.default.createFile(atPath: offFile, contents: nil) }
    }

    func stats() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statsFile))) as? [String: Any] ?? [:]
    }

    /// Faults injected so far, by class.
    func counts() throws -> [String: Int] { try stats()["faults"] as? [String: Int] ?? [:] }

    func stop() { server.stop(SIGKILL) }
}
