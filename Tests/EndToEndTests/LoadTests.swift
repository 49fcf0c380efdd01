import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Many clients at once against one reld, and many nodes at once against one relhub: no call
/// fails and every acknowledged write is stored exactly once. Correctness only: the latencies
/// are measured by bench/load-bench (docs/PERFORMANCE.md, "Load").
@Suite("Load", .serialized)
struct LoadTests {
    /// Runs `body(i)` for each i in 0..<count on its own thread, all at once, and waits for all
    /// of them (bounded): `concurrentPerform` would run only as many at once as there are cores.
    func concurrently(_ count: Int, timeout: TimeInterval = 120, _ body: @escaping @Sendable (Int) -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        for i in 0..<count {
            Thread {
                body(i)
                done.signal()
            }.start()
        }
        let deadline = DispatchTime.now() + timeout
        for _ in 0..<count where done.wait(timeout: deadline) == .timedOut {
            throw HarnessError("\(count) concurrent workers did not all finish within \(timeout)s")
        }
    }

    /// A relhub and one reld that syncs with it only when written to or asked.
    func reldWithHub(_ dir: TempDir) throws -> (ServerProcess, Daemon) {
        let token = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: token)
        do {
            let reld = try Daemon(
                dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"),
                extraArguments: [
                    "--feed", "http://127.0.0.1:\(hub.port)", "--token-file", token, "--sync-interval", "3600",
                ])
            return (hub, reld)
        } catch {
            hub.stop(SIGKILL)
            throw error
        }
    }

    func sql(_ database: String, _ query: String) throws -> [String] {
        let out = try run("/usr/bin/env", ["sqlite3", "-readonly", database, query])
        guard out.status == 0 else { throw HarnessError("sqlite3 \(database): \(out.stderr)") }
        return out.stdout.split(separator: "\n").map(String.init)
    }

    /// 32 relctl processes at once, each adding records, listing, editing and syncing.
    @Test func concurrentRelctlClientsEachWriteStoredOnce() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, reld) = try reldWithHub(dir)
        defer {
            hub.stop()
            _ = try? reld.stop(SIGKILL)
        }

        let clients = 32
        let writes = 3
        let acknowledged = Acknowledged()
        let failures = Acknowledged()
        try concurrently(clients) { c in
            func call(_ arguments: [String]) -> Bool {
                let out = try? reld.relctl(arguments)
                guard out?.status == 0 else {
                    failures.add([
                        "client \(c): relctl \(arguments.prefix(2).joined(separator: " ")): exit \(out?.status ?? -1), \(out?.stderr ?? "no exit within 60 s")"
                    ])
                    return false
                }
                return true
            }
            for i in 0..<writes {
                let id = "load-c\(c)-\(i)"
                if call(["add-event", "--id", id, "--title", "Client \(c) write \(i)", "--category", "diplomatic"]) {
                    acknowledged.add([id])
                }
                if i == 0 { _ = call(["list", "--limit", "100"]) }
            }
            _ = call(["edit", "load-c\(c)-0", "--set", "title=Client \(c) write 0 (edited)"])
            _ = call(["sync"])
        }
        #expect(failures.ids.isEmpty, "\(failures.ids.prefix(5))")
        #expect(acknowledged.ids.count == clients * writes)

        // Every acknowledged record once, nothing else, and each edit kept.
        let exported = try parseJSON(try reld.relctl("export").stdout) as? [[String: Any]] ?? []
        let ids = exported.compactMap { $0["id"] as? String }
        #expect(ids.count == Set(ids).count, "no record twice")
        #expect(Set(ids) == Set(acknowledged.ids), "missing: \(Set(acknowledged.ids).subtracting(ids).sorted().prefix(5))")
        let titles = Dictionary(exported.map { ($0["id"] as? String ?? "", $0["title"] as? String ?? "") }) { a, _ in a }
        for c in 0..<clients { #expect(titles["load-c\(c)-0"] == "Client \(c) write 0 (edited)") }

        // After one more round, each of reld's changes is in the hub once: node_seq 1...n, no gap.
        #expect(try reld.relctl("sync").status == 0)
        let local = try sql(dir.file("a/reld.sqlite"), "SELECT count(*) FROM changes;")
        let inHub = try sql(
            dir.file("hub/relhub.sqlite"),
            "SELECT count(*), max(node_seq), count(DISTINCT node_seq) FROM changes GROUP BY node;")
        #expect(inHub == ["\(local[0])|\(local[0])|\(local[0])"], "reld \(local), hub \(inHub)")
        let status = try parseJSON(try reld.relctl("--json", "status").stdout) as? [String: Any]
        #expect(status?["pending_changes"] as? Int == 0)
    }

    /// A sync runs a round that starts after the call (docs/sync-protocol.md, section 9), so once
    /// POST /v1/sync (what `relctl sync` sends) answers 200, the caller's earlier writes are in
    /// the hub, even with other syncs and writes in flight. Driven by bench/load-clients.py
    /// (32 curl clients, the bench's mix of add, list, edit and sync), which checks the hub after
    /// each sync. This found that reld sometimes answered with the result of a round that began
    /// before the call (caught in 1 of 2 runs with release binaries, rarely with debug ones).
    @Test func concurrentSyncsEachPushTheCallersEarlierWrites() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, reld) = try reldWithHub(dir)
        defer {
            hub.stop()
            _ = try? reld.stop(SIGKILL)
        }
        let script = Binaries.packageRoot.appendingPathComponent("bench/load-clients.py").path
        for pass in 1...2 {
            let out = try run(
                "/usr/bin/env",
                [
                    "python3", script, reld.socket, "--relctl", Binaries.relctl, "--curl",
                    "--clients", "32", "--ops", "20", "--prefix", "s\(pass)",
                    "--hub-db", dir.file("hub/relhub.sqlite"),
                ], timeout: 120)
            let report = try parseJSON(out.stdout) as? [String: Any] ?? [:]
            #expect(
                out.status == 0 && report["errors"] as? Int == 0,
                "run \(pass): \(report["errors"] ?? out.stderr) failures, e.g. \(report["first_errors"] ?? "")")
        }
    }

    /// 50 nodes push and pull at once, each with its own id and node_seq; one replays a batch.
    @Test func concurrentNodePushesEachChangeStoredOnce() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tokenFile = try Hub.makeToken(in: dir)
        let token = try Hub.tokenText(tokenFile)
        let hub = try Hub.start(dir: dir, tokenFile: tokenFile)
        defer { hub.stop() }
        let url = "http://127.0.0.1:\(hub.port)/v1/changes"

        /// One HTTP exchange through curl: (status, body).
        @Sendable func http(_ extra: [String]) -> (Int, String) {
            guard
                let out = try? run(
                    "/usr/bin/env",
                    [
                        "curl", "-sS", "--max-time", "60", "-w", "\n%{http_code}",
                        "-H", "Authorization: Bearer \(token)",
                    ] + extra)
            else { return (-1, "") }
            let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n") + out.stderr)
        }
        /// Pushes `changes` from a file; returns the hub's answer as (accepted, duplicates), or nil.
        @Sendable func push(_ changes: [[String: Any]], file: String) -> (Int, Int)? {
            guard let data = try? JSONSerialization.data(withJSONObject: ["changes": changes]),
                (try? data.write(to: URL(fileURLWithPath: file))) != nil
            else { return nil }
            let (status, body) = http(["-H", "Content-Type: application/json", "--data-binary", "@" + file, url])
            guard status == 200, let answer = try? parseJSON(body) as? [String: Any] else { return nil }
            return (answer["accepted"] as? Int ?? -1, answer["duplicates"] as? Int ?? -1)
        }

        let nodes = 50
        let recordsPerBatch = 2
        let failures = Acknowledged()
        try concurrently(nodes) { n in
            let node = "sim-\(n)"
            var seq = 0
            var hlc = Int64(Date().timeIntervalSince1970 * 1000) << 16
            func change(_ record: String, _ field: String, _ value: Any, bases: [[Any]] = []) -> [String: Any] {
                seq += 1
                hlc += 1
                return ["node": node, "node_seq": seq, "record_id": record, "field": field, "value": value, "hlc": hlc, "bases": bases]
            }
            func records(_ batch: Int) -> [[String: Any]] {
                (0..<recordsPerBatch).flatMap { r in
                    ["_kind": "event", "title": "Node \(n) batch \(batch) record \(r)", "category": "diplomatic"]
                        .sorted { $0.key < $1.key }.map { change("\(node)-b\(batch)-\(r)", $0.key, $0.value) }
                }
            }
            let first = records(1)
            guard push(first, file: dir.file("push-\(n)-1.json")).map({ $0 == (first.count, 0) }) == true else {
                return failures.add(["node \(n): first push refused or miscounted"])
            }
            let (status, body) = http(["\(url)?since=0&limit=5000"])
            guard status == 200, (try? parseJSON(body) as? [String: Any])?["changes"] != nil else {
                return failures.add(["node \(n): pull answered \(status): \(body.prefix(200))"])
            }
            // A later batch edits this node's first title, naming the version it replaces.
            let base = first.first { $0["field"] as? String == "title" }!
            var second = records(2)
            second.append(change("\(node)-b1-0", "title", "Node \(n) retitled", bases: [[base["hlc"]!, node]]))
            guard push(second, file: dir.file("push-\(n)-2.json")).map({ $0 == (second.count, 0) }) == true else {
                return failures.add(["node \(n): second push refused or miscounted"])
            }
            // A replayed batch (a push whose answer was lost) is recognised, not stored again.
            guard push(first, file: dir.file("push-\(n)-1.json")).map({ $0 == (0, first.count) }) == true else {
                return failures.add(["node \(n): replayed push not counted as duplicates"])
            }
        }
        #expect(failures.ids.isEmpty, "\(failures.ids.prefix(5))")

        let perNode = 2 * recordsPerBatch * 3 + 1
        let rows = try sql(
            dir.file("hub/relhub.sqlite"),
            "SELECT node, count(*), max(node_seq), count(DISTINCT node_seq) FROM changes GROUP BY node ORDER BY node;")
        #expect(rows == (0..<nodes).map { "sim-\($0)" }.sorted().map { "\($0)|\(perNode)|\(perNode)|\(perNode)" }, "\(rows.prefix(5))")
        // The feed as a client pulls it: each change once. (Not the hub's head: a duplicate
        // change in a push uses up a log position, so positions have gaps.)
        var pulled: [String] = []
        var since = 0
        while true {
            let (status, body) = http(["\(url)?since=\(since)&limit=5000"])
            let page = try parseJSON(body) as? [String: Any] ?? [:]
            #expect(status == 200)
            pulled += (page["changes"] as? [[String: Any]] ?? []).map { "\($0["node"] ?? "")/\($0["node_seq"] ?? "")" }
            since = page["next"] as? Int ?? since
            if status != 200 || page["more"] as? Bool != true { break }
        }
        #expect(
            pulled.count == nodes * perNode && Set(pulled).count == pulled.count, "\(pulled.count) pulled, \(Set(pulled).count) distinct")
    }
}
