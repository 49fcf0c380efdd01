import Foundation

/// Where ``SyncEngine`` reads the time (last success, next attempt) and the jitter of its
/// backoff waits: the system's in use; fixed ones in tests, so that a status's times can be
/// checked to the second.
struct SyncClock: Sendable {
    /// The current time.
    var now: @Sendable () -> Date
    /// A point in 0...1 of the backoff's jitter window.
    var jitter: @Sendable () -> Double

    /// The wall clock and a random jitter.
    static let system = SyncClock(now: { Date() }, jitter: { Double.random(in: 0...1) })
}
