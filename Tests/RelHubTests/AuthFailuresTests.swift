import Testing

@testable import RelHub

/// The table of wrong tokens stays bounded: past ``AuthFailures/capacity`` peers in one window,
/// new peers share one entry, and a peer tracked before keeps its own count.
@Suite struct AuthFailuresTests {
    @Test func peersPastTheCapacityShareOneEntry() {
        let failures = AuthFailures()
        let now = ContinuousClock.now
        for n in 0..<AuthFailures.capacity { failures.record("10.0.\(n / 256).\(n % 256)", now: now) }
        for _ in 0..<AuthFailures.limit { failures.record("192.0.2.1", now: now) }
        #expect(failures.retryAfter("192.0.2.1", now: now) == 61)
        // Another untracked peer is held back with the first: they share the one entry.
        #expect(failures.retryAfter("192.0.2.2", now: now) == 61)
        #expect(failures.retryAfter("10.0.0.1", now: now) == nil, "a tracked peer keeps its own count")
        // Once the window is over, the table makes room and a new peer starts afresh.
        let later = now + AuthFailures.window + .seconds(1)
        failures.record("192.0.2.3", now: later)
        #expect(failures.retryAfter("192.0.2.3", now: later) == nil)
        #expect(failures.retryAfter("192.0.2.1", now: later) == nil)
    }
}
