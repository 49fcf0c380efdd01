/// When to try again after a failed round: exponential, with jitter (half the wait random), up to a cap, and never
/// sooner than the feed's `Retry-After`. A success starts it over.
public struct Backoff: Sendable, Equatable {
    /// The first wait.
    public var base: Duration
    /// The longest wait.
    public var cap: Duration
    /// Failures in a row.
    public private(set) var failures = 0

    /// Creates a policy.
    public init(base: Duration = .seconds(1), cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// Counts a failure and returns how long to wait; `retryAfter` is the feed's own request.
    /// `unit` in 0...1 picks the point in the jitter window (random in use, fixed in tests).
    public mutating func fail(retryAfter: Duration? = nil, unit: Double) -> Duration {
        failures += 1
        let exponent = min(failures - 1, 30)
        let ceiling = min(cap, base * (1 << exponent))
        // Half fixed, half random: spreads out a team's retries without ever retrying at once.
        let wait = ceiling * (0.5 + 0.5 * min(max(unit, 0), 1))
        guard let retryAfter else { return wait }
        return max(wait, min(retryAfter, cap * 4))
    }

    /// A round succeeded.
    public mutating func succeed() { failures = 0 }
}
