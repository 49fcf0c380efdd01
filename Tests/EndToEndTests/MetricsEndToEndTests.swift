import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl metrics` and relhub's `GET /metrics` from the real programs after a real sync, read
/// by prometheus_client's own parser (Tests/contract/check-metrics.py): the format, HELP and
/// TYPE of every family, names and few-valued labels, and the values a user would graph.
@Suite("Metrics end to end", .serialized)
struct MetricsEndToEndTests {
    static let checker = Binaries.packageRoot.appendingPathComponent("Tests/contract/check-metrics.py").path
    /// Debian's python, which sees Debian's python3-prometheus-client (scripts/install-deps --tests).
    static let python = "/usr/bin/python3"

    /// The samples of `exposition`, after the parser and the checks accept it.
    func parsed(_ exposition: String, prefix: String, in dir: TempDir) throws -> [String: Double] {
        let file = dir.file("\(prefix).prom")
        try exposition.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try run(Self.python, [Self.checker, prefix, file])
        try #require(
            checked.status == 0,
            "the exposition was refused: \(checked.stderr)\n(needs: apt-get install -y python3-prometheus-client)\n\(exposition)")
        return try #require(try parseJSON(checked.stdout) as? [String: Double])
    }

    @Test func bothProgramsMetricsParseAndCountWhatTheSyncDid() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tokenFile = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: tokenFile)
        let reld = try Daemon(
            dir: dir, extraArguments: ["--feed", "http://127.0.0.1:\(hub.port)", "--sync-interval", "3600", "--token-file", tokenFile])
        defer { _ = try? reld.stop(SIGKILL) }

        #expect(try reld.relctl("add-event", "--id", "ev1", "--title", "Visit", "--category", "diplomatic").status == 0)
        #expect(try reld.relctl("sync").status == 0)
        // What the feed holds, counted from its page: reld starts a round by itself after a
        // write, so its pending count may already be 0 right after the write.
        let token = try Hub.tokenText(tokenFile)
        let page = try run(
            "/usr/bin/curl", ["-sS", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(hub.port)/v1/changes?since=0"])
        let changes = (try parseJSON(page.stdout) as? [String: Any])?["changes"].flatMap { $0 as? [Any] }?.count
        #expect(changes.map { $0 > 0 } == true, "\(page)")

        let scraped = try reld.relctl("metrics")
        #expect(scraped.status == 0, "\(scraped.stderr)")
        let node = try parsed(scraped.stdout, prefix: "reld", in: dir)
        #expect(node["reld_records{kind=\"event\"}"] == 1)
        #expect(node["reld_pending_changes"] == 0, "all pushed")
        #expect(node["reld_sync_rounds_total{result=\"ok\"}"].map { $0 >= 1 } == true)
        #expect(node["reld_sync_pushed_changes_total"] == changes.map(Double.init))
        #expect(node["reld_sync_pushed_bytes_total"].map { $0 > 0 } == true)
        #expect(node["reld_sync_pulled_bytes_total"].map { $0 > 0 } == true)
        let lastSuccess = try #require(node["reld_sync_last_success_timestamp_seconds"])
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 300)
        #expect(node["reld_sync_round_duration_seconds_count"].map { $0 >= 1 } == true)
        #expect(node["reld_http_requests_total{code=\"201\",method=\"POST\",route=\"/v1/records\"}"] == 1)

        let url = "http://127.0.0.1:\(hub.port)/metrics"
        #expect(try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url]).stdout == "401", "the token is needed")
        let hubText = try run("/usr/bin/curl", ["-sS", "-H", "Authorization: Bearer \(token)", url])
        #expect(hubText.status == 0, "\(hubText.stderr)")
        let feed = try parsed(hubText.stdout, prefix: "relhub", in: dir)
        #expect(feed["relhub_changes"] == changes.map(Double.init))
        #expect(feed["relhub_pushed_changes_total{result=\"accepted\"}"] == changes.map(Double.init))
        #expect(feed["relhub_active_nodes"] == 1)
        #expect(feed["relhub_http_requests_total{code=\"200\",method=\"POST\",route=\"/v1/changes\"}"] == 1)
        #expect(feed["relhub_store_duration_seconds_count{operation=\"push\"}"] == 1)
        #expect(!hubText.stdout.contains(token), "the token is never in the metrics")
    }

    @Test func relctlMetricsRefusesJSONAndSaysWhy() throws {
        try withDaemon { reld in
            let refused = try reld.relctl("metrics", "--json")
            #expect(refused.status == 2)
            #expect(refused.stdout.contains("leave out --json"), "\(refused.stdout)")
        }
    }
}
