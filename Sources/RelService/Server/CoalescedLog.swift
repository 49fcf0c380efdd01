import Logging
import Synchronization

/// Logs repeated events as one line per key and window, with a count, so that a flood of them
/// (refused connections, wrong tokens) cannot flood the journal. It tracks `capacity` keys at
/// most; further keys share one entry, so memory stays bounded whoever sends.
public final class CoalescedLog: Sendable {
    private struct Entry {
        var windowStart: ContinuousClock.Instant
        var count: Int
    }
    private let logger: Logger
    private let window: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    /// Creates a log that writes a key at most once per `window`.
    public init(logger: Logger, window: Duration, capacity: Int) {
        self.logger = logger
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Notes one event for `key`: logs `message` now if it is the key's first in its window,
    /// with how many the previous window had past the first.
    public func note(
        _ key: String, level: Logger.Level, _ message: @autoclosure () -> String,
        metadata: Logger.Metadata = [:]
    ) {
        let now = ContinuousClock.now
        let suppressed: Int? = entries.withLock { table in
            let key = table[key] != nil || table.count < capacity ? key : "*"
            if var entry = table[key], now - entry.windowStart < window {
                entry.count += 1
                table[key] = entry
                return nil
            }
            let before = table[key]?.count ?? 1
            if table.count >= capacity { Self.dropExpired(&table, now: now, window: window) }
            table[key] = Entry(windowStart: now, count: 1)
            return before - 1
        }
        guard let suppressed else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["repeated_before"] = "\(suppressed)" }
        logger.log(level: level, "\(message())", metadata: metadata)
    }

    private static func dropExpired(_ table: inout [String: Entry], now: ContinuousClock.Instant, window: Duration) {
        table = table.filter { now - $0.value.windowStart < window }
    }
}
