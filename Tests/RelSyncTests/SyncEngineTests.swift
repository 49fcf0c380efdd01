import Foundation
import RelModel
import RelStore
import Testing

@testable import RelSync

/// When rounds run and what the status says: backoff and `Retry-After`, rounds for `relctl sync`
/// callers, writes made during a round, and the round in flight.
@Suite struct SyncEngineTests {
    @Test func backoffDoublesAndRetryAfterLengthensTheWaitUntilARoundSucceeds() async throws {
        try await withHub { hub in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let a = try Replica("a", hub: hub, clock: fixedClock(t0)) { $0.maxBackoff = .seconds(60) }
            let pullURL = hub.url + FeedRoutes.changes(since: 0, limit: 1000)
            let refused = FeedError.unreachable(url: pullURL, reason: "connection refused")
            await hub.fail(.pull, with: refused, refused, refused)

            var nextAttempts: [Date?] = []
            for _ in 0..<3 {
                _ = await a.engine.syncNow()
                nextAttempts.append(await a.engine.status().nextAttempt)
            }
            #expect(nextAttempts == [t0 + 1, t0 + 2, t0 + 4])
            var status = await a.engine.status()
            #expect(status.state == .offline)
            #expect(status.lastError == "feed \(pullURL) unreachable: connection refused; will retry")
            #expect(a.log.count(.warning, startingWith: "sync failed: ") == 1, "the same failure is logged once")

            await hub.answer(.pull, status: 429, message: "slow down", retryAfter: .seconds(30))
            _ = await a.engine.syncNow()
            status = await a.engine.status()
            #expect(status.state == .backingOff)
            #expect(status.nextAttempt == t0 + 30, "Retry-After beats our own 8 s")
            #expect(status.lastError == "feed http://hub.test:8470/v1/changes answered HTTP 429: slow down")
            #expect(a.log.count(.warning, startingWith: "sync failed: ") == 2)

            await hub.answer(.pull, status: 503, message: "maintenance", retryAfter: .seconds(86_400))
            _ = await a.engine.syncNow()
            #expect(await a.engine.status().nextAttempt == t0 + 240, "a Retry-After is honoured up to 4 × max_backoff")

            _ = try await a.sync()
            status = await a.engine.status()
            #expect(status.state == .idle)
            #expect(status.lastError == nil)
            #expect(status.nextAttempt == nil)
            #expect(status.lastSuccess == t0)

            await hub.fail(.pull, with: refused)
            _ = await a.engine.syncNow()
            #expect(await a.engine.status().nextAttempt == t0 + 1, "a success starts the backoff over")
        }
    }

    @Test func callersDuringARoundShareTheNextRoundWhichPushesWhatTheyWrote() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub)
            let first = try await a.write("ev-1")
            let gate = await hub.hold(.pull)
            let round1 = Task { await a.engine.syncNow() }
            // Round 1 has pushed ev-1 and waits for its pull.
            await gate.reached()
            #expect(await a.engine.status().state == .syncing)
            let second = try await a.write("ev-2")
            let caller1 = Task { await a.engine.syncNow() }
            let caller2 = Task { await a.engine.syncNow() }
            while await a.engine.callersWaiting < 3 { await Task.yield() }
            await gate.open()

            let report1 = try await round1.value.get()
            let report2 = try await caller1.value.get()
            let report3 = try await caller2.value.get()
            #expect(report1.pushed == first)
            #expect(report2.pushed == second, "a round that began after the call pushes what was written before it")
            #expect(report2 == report3, "callers that arrive together share one round")
            #expect(await a.engine.roundsStarted == 2)
            #expect(await hub.pushSizes == [first, second])
            #expect(try await hub.changeCount() == first + second)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aWriteDuringARoundStartsAnotherRoundSoonAfterIt() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub) { $0.interval = .seconds(3600) }
            let first = try await a.write("ev-1")
            let gate = await hub.hold(.pull)
            let loop = Task { await a.engine.run() }
            await gate.reached()
            let second = try await a.write("ev-2")
            await a.engine.nudge()
            await gate.open()
            // Without the nudge the next round would be an hour away.
            await hub.waitForChanges(first + second)
            #expect(await a.engine.roundsStarted == 2)
            await a.engine.stop()
            await loop.value
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aNudgeWaitingWhileARoundFailsLeavesTheNextRoundToTheBackoff() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub, clock: fixedClock(Date(timeIntervalSince1970: 1_800_000_000))) {
                $0.interval = .seconds(3600)
            }
            let loop = Task { await a.engine.run() }
            while await a.engine.roundsStarted < 1 { await Task.yield() }
            while await a.engine.status().state != .idle { await Task.yield() }
            // A write nudges the loop, which lets writes gather for 0.2 s; meanwhile `relctl sync`
            // runs a round that fails.
            _ = try await a.write("ev-1")
            await a.engine.nudge()
            await hub.fail(.pull, with: .unreachable(url: hub.url, reason: "connection refused"))
            _ = await a.engine.syncNow()
            #expect(await a.engine.status().state == .offline)
            // The backoff (a fixed clock: never over) decides the next round, not the old nudge.
            try await Task.sleep(for: .milliseconds(600))
            #expect(await a.engine.roundsStarted == 2)
            #expect(await a.engine.status().state == .offline)
            await a.engine.stop()
            await loop.value
        }
    }

    @Test func theStatusShowsTheRoundInFlight() async throws {
        try await withHub { hub in
            let a = try Replica("a", hub: hub)
            let written = try await a.write("ev-1", "ev-2")
            _ = try await a.sync()
            let b = try Replica("b", hub: hub) { $0.batchSize = 5 }
            let gate = await hub.hold(.pull, skip: 1)
            let round = Task { await b.engine.syncNow() }
            await gate.reached()
            // The second page is asked for while the first is applied; wait for that to end.
            while await b.engine.status().round?.pages != 1 { await Task.yield() }
            var status = await b.engine.status()
            #expect(status.state == .syncing)
            #expect(status.round?.pages == 1)
            #expect(status.round?.pulled == 5)
            await gate.open()
            #expect(try await round.value.get().pulled == written)
            status = await b.engine.status()
            #expect(status.round == nil)
            #expect(status.state == .idle)
        }
    }
}
