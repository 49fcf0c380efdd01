import Foundation
import Hummingbird
import HummingbirdTesting
import RelControlAPI
import RelModel
import RelSync
import Testing

@testable import RelDaemon

/// `GET /metrics` on the control socket: the store's gauges as they are now, requests counted
/// by route pattern (never by record id) with few-valued labels, and who may read it.
@Suite struct ControlRoutesMetricsTests {
    /// Each sample of an exposition, `name{labels}` to its value.
    static func samples(_ text: String) -> [String: Double] {
        var found: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            found[String(line[..<space])] = value
        }
        return found
    }

    @Test func theGaugesAreTheStoresCountsAndRequestsAreCountedByRoutePattern() async throws {
        try await withControlAPI { client, _ in
            for id in ["ev-1", "ev-2"] {
                let body = "{\"id\":\"\(id)\",\"kind\":\"event\",\"title\":\"Talks\",\"category\":\"diplomatic\"}"
                #expect(try await client.send(.post, Routes.records, body).status == .created)
            }
            #expect(try await client.send(.get, Routes.record("ev-1")).status == .ok)
            #expect(try await client.send(.get, Routes.record("no-such-record")).status == .notFound)
            #expect(try await client.send(.get, "/v1/" + String(repeating: "x", count: 40)).status == .notFound)
            #expect(try await client.send(HTTPRequest.Method("BREW")!, Routes.status).status == .methodNotAllowed)

            let response = try await client.send(.get, Routes.metrics)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: response.body)
            let samples = Self.samples(text)
            #expect(samples["reld_records{kind=\"event\"}"] == 2)
            #expect(samples["reld_records{kind=\"agreement\"}"] == 0)
            #expect(samples["reld_pending_changes"].map { $0 > 0 } == true, "two records' changes wait for a feed")
            #expect(samples["reld_open_conflicts"] == 0)
            #expect(samples["reld_database_size_bytes"].map { $0 > 0 } == true)
            #expect(samples["reld_build_info{version=\"\(RelVersion.current)\"}"] == 1)
            #expect(samples["reld_http_requests_total{route=\"/v1/records\",method=\"POST\",code=\"201\"}"] == 2)
            // Both ids share one series: the route is the pattern, whatever the id.
            let byID = samples.keys.filter { $0.hasPrefix("reld_http_requests_total{route=\"/v1/records/") }
            #expect(byID.count == 2, "\(byID)")
            #expect(byID.allSatisfy { !$0.contains("ev-1") && !$0.contains("no-such-record") }, "\(byID)")
            #expect(samples["reld_http_requests_total{route=\"unmatched\",method=\"GET\",code=\"404\"}"] == 1)
            #expect(samples["reld_http_requests_total{route=\"unmatched\",method=\"other\",code=\"405\"}"] == 1)
            // Every family says what it is.
            let families = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
            let described = Set(text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
            #expect(!families.isEmpty && families == described)
            #expect(!text.contains("reld_sync_"), "no feed, no sync metrics")
        }
    }

    @Test func aUserOutsideTheControlGroupMayReadMetricsButNotRecords() async throws {
        try await withControlAPI(peer: .stranger) { client, _ in
            let metrics = try await client.send(.get, Routes.metrics)
            #expect(metrics.status == .ok)
            let records = try await client.send(.get, Routes.records)
            #expect(records.status == .forbidden)
            let post = try await client.send(.post, Routes.metrics)
            #expect(post.status == .forbidden)
        }
    }

    @Test func aFeedThatCannotBeReachedCountsAnOfflineRound() async throws {
        let settings = FeedSettings(url: try FeedURL("http://127.0.0.1:1"))
        try await withControlAPI(feed: settings) { client, _ in
            _ = try await client.send(.post, Routes.sync)
            let samples = Self.samples(String(buffer: try await client.send(.get, Routes.metrics).body))
            #expect(samples["reld_sync_rounds_total{result=\"offline\"}"].map { $0 >= 1 } == true)
            #expect(samples["reld_sync_rounds_total{result=\"ok\"}"] == 0)
            #expect(samples["reld_sync_last_success_timestamp_seconds"] == 0)
        }
    }
}
