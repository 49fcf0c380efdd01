import Foundation
import Hummingbird
import HummingbirdTesting
import RelModel
import Testing

@testable import RelHub

/// relhub's `GET /metrics`, in process: behind the token, pushes counted by result, requests by
/// route pattern with few-valued labels, and the active-node count bounded whatever ids clients give.
@Suite struct FeedRoutesMetricsTests {
    /// The exposition's lines, to look for exact samples.
    static func lines(_ response: TestResponse) -> Set<String> {
        Set(String(buffer: response.body).split(separator: "\n").map(String.init))
    }

    @Test func pushesPullsAndRequestsAreCountedAndTheHeadIsTheFeeds() async throws {
        try await withFeed { client, _ in
            let changes = Wire.newEvent()
            _ = try await client.send(.post, "/v1/changes", Wire.batch(changes), headers: [FeedAPI.nodeHeader: "node-a"])
            _ = try await client.send(.post, "/v1/changes", Wire.batch(changes), headers: [FeedAPI.nodeHeader: "node-a"])
            _ = try await client.send(.get, "/v1/changes?since=0&exclude_node=node-b&exclude_upto=0")
            _ = try await client.send(.get, "/v1/changes?since=0", token: nil)
            _ = try await client.send(.get, "/v1/" + String(repeating: "z", count: 30))

            let response = try await client.send(.get, HubMetrics.path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Self.lines(response)
            #expect(lines.contains("relhub_changes 3.0"))
            #expect(lines.contains("relhub_pushed_changes_total{result=\"accepted\"} 3"))
            #expect(lines.contains("relhub_pushed_changes_total{result=\"duplicate\"} 3"))
            #expect(lines.contains("relhub_conflicts_total 0"))
            #expect(lines.contains("relhub_active_nodes 2.0"), "node-a pushed, node-b pulled")
            #expect(lines.contains("relhub_http_requests_total{route=\"/v1/changes\",method=\"POST\",code=\"200\"} 2"))
            #expect(lines.contains("relhub_http_requests_total{route=\"/v1/changes\",method=\"GET\",code=\"401\"} 1"))
            #expect(lines.contains("relhub_http_requests_total{route=\"unmatched\",method=\"GET\",code=\"404\"} 1"))
            #expect(lines.contains("relhub_store_duration_seconds_count{operation=\"push\"} 2"))
            #expect(lines.contains("relhub_build_info{version=\"\(RelVersion.current)\"} 1.0"))
            #expect(!lines.contains { $0.contains("zzzz") }, "a path no route matched is not a label")
        }
    }

    @Test func metricsNeedAToken() async throws {
        try await withFeed { client, _ in
            let response = try await client.send(.get, HubMetrics.path, token: nil)
            #expect(response.status == .unauthorized)
            let wrong = try await client.send(.get, HubMetrics.path, token: "not-a-token-of-this-hub")
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test func activeNodesAreBoundedAndForgottenAfterTheWindow() {
        let nodes = ActiveNodes()
        let t0 = ContinuousClock.now
        for i in 0..<(ActiveNodes.capacity + 500) { nodes.saw("node-\(i)", at: t0) }
        #expect(nodes.count(at: t0) == ActiveNodes.capacity, "ids past the capacity are not held")
        nodes.saw("node-0", at: t0 + .seconds(300))
        #expect(nodes.count(at: t0 + ActiveNodes.window) == 1, "only the one seen again is still active")
        nodes.saw("late", at: t0 + ActiveNodes.window)
        #expect(nodes.count(at: t0 + ActiveNodes.window) == 2)
        #expect(nodes.count(at: t0 + .seconds(3600)) == 0)
    }
}
