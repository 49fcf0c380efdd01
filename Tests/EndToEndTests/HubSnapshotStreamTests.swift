import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// relhub writes a snapshot from one read view of its database, a page at a time. A client that
/// goes away, or stops reading, must not keep that view (which holds the write-ahead log) nor
/// stop anyone writing. Real relhub, raw TCP clients, sqlite3 to see the view: loopback only.
@Suite("Hub snapshot stream", .serialized)
struct HubSnapshotStreamTests {
    /// relhub with `settings` in its config file, holding `records` records of 1,000 tags each
    /// (about 12.5 KB of document a record), pushed in batches of 200.
    static func bigHub(_ dir: TempDir, settings: String = "", records: Int) throws -> (hub: ServerProcess, token: String) {
        let tokenFile = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: tokenFile, settings: settings)
        let token = try Hub.tokenText(tokenFile)
        for start in stride(from: 1, through: records, by: 200) {
            let changes = (start..<min(start + 200, records + 1)).map {
                HubBoundedWorkTests.change(
                    node: "stream-a", seq: $0, id: "big-\($0)", field: "tags",
                    value: HubBoundedWorkTests.tags(1_000, prefix: "r\($0)-"))
            }
            let body = dir.file("batch.json")
            try "{\"changes\":[\(changes.joined(separator: ","))]}".write(toFile: body, atomically: true, encoding: .utf8)
            #expect(
                try HubBoundedWorkTests.curl("http://127.0.0.1:\(hub.port)/v1/changes", token: token, body: body, maxTime: 120).status
                    == 200)
        }
        return (hub, token)
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` on the hub's database from outside: `busy` is 1 while a
    /// read transaction (the snapshot's view) keeps the log from being emptied.
    static func checkpointBusy(_ dir: TempDir) throws -> Bool {
        let out = try run(
            "/usr/bin/env", ["sqlite3", "-cmd", ".timeout 200", dir.file("hub/relhub.sqlite"), "PRAGMA wal_checkpoint(TRUNCATE);"])
        guard out.status == 0, let busy = out.stdout.split(separator: "|").first else {
            throw HarnessError("sqlite3: \(out.stdout) \(out.stderr)")
        }
        return busy == "1"
    }

    /// Polls until the view is gone (bounded by `seconds`); whether it went.
    static func viewReleased(_ dir: TempDir, within seconds: TimeInterval) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try !checkpointBusy(dir) { return true }
            usleep(100_000)  // pacing between polls
        }
        return false
    }

    /// One more change of `node`, pushed: a write.
    static func push(_ dir: TempDir, port: Int, token: String, node: String, seq: Int) throws -> Int {
        let body = dir.file("one.json")
        try
            "{\"changes\":[\(HubBoundedWorkTests.change(node: node, seq: seq, id: "after-\(node)-\(seq)", field: "title", value: "\"after\""))]}"
            .write(toFile: body, atomically: true, encoding: .utf8)
        return try HubBoundedWorkTests.curl("http://127.0.0.1:\(port)/v1/changes", token: token, body: body).status
    }

    /// A connection whose receive buffer is small, so that a client that stops reading stops
    /// the server's writes soon.
    static func smallWindowConnection(port: Int) throws -> Int32 {
        try connectTCP(port: port, receiveBuffer: 4096)
    }

    static func request(_ token: String) -> String {
        "GET /v1/snapshot HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(token)\r\n\r\n"
    }

    /// Reads until `count` bytes came (or 10 s passed); how many did.
    static func read(_ fd: Int32, atLeast count: Int) -> Int {
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let deadline = Date().addingTimeInterval(10)
        while total < count, Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 1000) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            total += n
        }
        return total
    }

    @Test func aClientLeavingMidSnapshotFreesTheReadView() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, token) = try Self.bigHub(dir, records: 600)
        defer { hub.stop(SIGKILL) }
        #expect(try !Self.checkpointBusy(dir), "no view before the snapshot")
        let fd = try Self.smallWindowConnection(port: hub.port)
        var closed = false
        defer { if !closed { close(fd) } }
        _ = send(fd, Self.request(token), Self.request(token).utf8.count, 0)
        #expect(Self.read(fd, atLeast: 100_000) >= 100_000, "the snapshot started")
        // The view is held while the document is being sent; writers go on regardless.
        #expect(try Self.push(dir, port: hub.port, token: token, node: "writer-1", seq: 1) == 200, "a write during the snapshot")
        #expect(try Self.checkpointBusy(dir), "the snapshot's view holds the log")
        close(fd)
        closed = true
        #expect(try Self.viewReleased(dir, within: 10), "the view goes with the client")
        #expect(try Self.push(dir, port: hub.port, token: token, node: "writer-1", seq: 2) == 200, "a write after it")
        let whole = try HubBoundedWorkTests.curl("http://127.0.0.1:\(hub.port)/v1/snapshot", token: token, maxTime: 120)
        #expect(whole.status == 200 && whole.text.hasSuffix("]}") && whole.text.contains("\"after-writer-1-2\""))
    }

    @Test func aClientThatStopsReadingIsCutOffAfterIdleTimeout() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, token) = try Self.bigHub(dir, settings: "idle_timeout = 2\n", records: 600)
        defer { hub.stop(SIGKILL) }
        let fd = try Self.smallWindowConnection(port: hub.port)
        defer { close(fd) }
        _ = send(fd, Self.request(token), Self.request(token).utf8.count, 0)
        #expect(Self.read(fd, atLeast: 50_000) >= 50_000, "the snapshot started")
        // The client now reads nothing; relhub gives up after 2 to 4 s without progress. A write
        // meanwhile makes the view visible: the log cannot be emptied past it while it is held.
        let start = Date()
        #expect(try Self.push(dir, port: hub.port, token: token, node: "writer-2", seq: 1) == 200, "a write during the stall")
        #expect(try Self.checkpointBusy(dir), "the stalled snapshot's view holds the log")
        #expect(try Self.viewReleased(dir, within: 15), "the view goes though the client stays")
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds >= 1.5, "not before idle_timeout: \(seconds) s")
        #expect(closedByPeer(fd, within: 15), "relhub closed the connection")
        #expect(try Self.push(dir, port: hub.port, token: token, node: "writer-2", seq: 2) == 200)
        #expect(
            hub.log.contains("snapshot abandoned: the client took nothing for 2.0 seconds (idle_timeout); connection closed"), "\(hub.log)")
        print("stalled snapshot client cut off after \(String(format: "%.1f", seconds)) s")
    }
}
