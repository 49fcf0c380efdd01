import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl sync` on a terminal shows how far reld's round has got while it waits, from the
/// round's counts in `GET /v1/status`.
@Suite struct SyncProgressTests {
    /// A feed proxy in front of relhub that serves pages of 100 changes and holds every page
    /// after the first until a file appears: a round that is visibly half done, for as long as
    /// the test needs, without timing guesses.
    static let gatedProxy = """
        import http.client, http.server, os, sys, time, urllib.parse
        hub_port, release = int(sys.argv[1]), sys.argv[2]
        class Proxy(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                if url.path == "/v1/changes":
                    if query.get("since", ["0"])[0] != "0":
                        deadline = time.time() + 60
                        while not os.path.exists(release) and time.time() < deadline:
                            time.sleep(0.02)
                    query["limit"] = ["100"]
                path = url.path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
                hub = http.client.HTTPConnection("127.0.0.1", hub_port, timeout=30)
                hub.request("GET", path, headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")})
                answer = hub.getresponse()
                body = answer.read()
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        print("listening on port", server.server_address[1], flush=True)
        server.serve_forever()
        """

    @Test func aWaitingSyncShowsTheRoundsPagesAndChanges() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let token = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: token)
        defer { hub.stop() }
        let writer = try Daemon(
            dir: dir, stateDir: dir.file("a"), socket: dir.file("a.sock"),
            extraArguments: ["--feed", "http://127.0.0.1:\(hub.port)", "--token-file", token, "--sync-interval", "3600"])
        defer { _ = try? writer.stop(SIGKILL) }
        #expect(try writer.relctl("import", Binaries.seedRecords).status == 0)
        #expect(try writer.relctl("sync").status == 0)

        let script = dir.file("gated-proxy.py")
        try Self.gatedProxy.write(toFile: script, atomically: true, encoding: .utf8)
        let release = dir.file("release")
        let proxy = try ServerProcess(
            dir: dir, name: "gated-proxy", executable: "/usr/bin/env",
            arguments: ["python3", "-u", script, String(hub.port), release]
        ) { log in
            guard let range = log.range(of: " port ") else { return nil }
            return Int(log[range.upperBound...].prefix { $0.isNumber })
        }
        defer { proxy.stop(SIGKILL) }
        // Its first round (at start) pulls one page of 100 changes, then waits at the gate.
        let reader = try Daemon(
            dir: dir, stateDir: dir.file("b"), socket: dir.file("b.sock"),
            extraArguments: ["--feed", "http://127.0.0.1:\(proxy.port)", "--token-file", token, "--sync-interval", "3600"])
        defer { _ = try? reader.stop(SIGKILL) }

        let sync = try InterruptTests.onTerminal("\(Binaries.relctl) --socket \(reader.socket) sync", dir: dir, name: "sync")
        let shown = { (try? String(contentsOfFile: sync.stdout, encoding: .utf8)) ?? "" }
        try InterruptTests.waitUntil(timeout: 30, "relctl sync to show the round's progress") {
            shown().contains("waiting for reld's sync round") && shown().contains(": 1 page, 100 changes pulled, 0 pushed…")
                || !sync.process.isRunning
        }
        #expect(sync.process.isRunning, "relctl sync ended before the gate opened: \(shown())")
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        let out = try sync.finish(timeout: 60)
        #expect(out.status == 0, "\(out.stdout)")
        #expect(out.stdout.contains("\r\u{1B}[K"), "the progress line is erased before the summary: \(out.stdout)")
        #expect(try InterruptTests.recordCount(reader) == 53)

        // Off a terminal the same call draws nothing, and the status has no round once it is over.
        let plain = try reader.relctl("sync")
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("waiting"), "\(plain.stderr)")
        let status = try #require(try parseJSON(try reader.relctl("--json", "status").stdout) as? [String: Any])
        #expect((status["sync"] as? [String: Any])?["round"] == nil)
    }
}
