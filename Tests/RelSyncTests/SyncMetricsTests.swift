import Foundation
import MetricsTestKit
import RelModel
import Testing

@testable import RelSync

/// What the engine counts for `reld_sync_*`: rounds by result, what a round moved (also one
/// that failed after some pages), and when one last succeeded.
@Suite struct SyncMetricsTests {
    @Test func roundsAreCountedByHowTheyEndedWithWhatTheyMoved() async throws {
        try await withHub { hub in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let counted = TestMetrics()
            let a = try Replica("a", hub: hub, clock: fixedClock(t0), metrics: SyncMetrics(factory: counted))
            let b = try Replica("b", hub: hub, metrics: SyncMetrics(factory: TestMetrics()))
            func rounds(_ result: String) throws -> Int64 {
                try counted.expectCounter("reld_sync_rounds_total", [("result", result)]).totalValue
            }
            // Every result reads 0 before any round, so a rate of failures works from the start.
            #expect(try [rounds("ok"), rounds("offline"), rounds("failed")] == [0, 0, 0])
            #expect(try counted.expectGauge("reld_sync_last_success_timestamp_seconds").lastValue == nil)

            let written = try await a.write("ev1", "ev2")
            _ = try await a.sync()
            #expect(try rounds("ok") == 1)
            #expect(try counted.expectCounter("reld_sync_pushed_changes_total").totalValue == Int64(written))
            #expect(try counted.expectGauge("reld_sync_last_success_timestamp_seconds").lastValue == t0.timeIntervalSince1970)

            let more = try await b.write("ev3")
            _ = try await b.sync()
            let pullURL = hub.url + FeedRoutes.changes(since: 0, limit: 1000)
            await hub.fail(.pull, with: .unreachable(url: pullURL, reason: "connection refused"))
            _ = await a.engine.syncNow()
            #expect(try rounds("offline") == 1)
            await hub.answer(.pull, status: 500, message: "disk on fire")
            _ = await a.engine.syncNow()
            #expect(try rounds("failed") == 1)
            #expect(try counted.expectCounter("reld_sync_pulled_changes_total").totalValue == 0, "nothing pulled yet")

            _ = try await a.sync()
            #expect(try rounds("ok") == 2)
            #expect(try counted.expectCounter("reld_sync_pulled_changes_total").totalValue == Int64(more))
            #expect(try counted.expectTimer("reld_sync_round_duration_seconds").values.count == 4, "every round is timed")
        }
    }
}
