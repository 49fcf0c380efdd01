import Synchronization

/// Counts wrong bearer tokens per peer address, so that a peer guessing tokens is slowed to
/// ``limit`` guesses per ``window`` and answered `429` until its window ends.
///
/// It tracks ``capacity`` peers at most; once that many are tracked within a window, further
/// peers share one entry, so memory stays bounded however many addresses a flood comes from.
final class AuthFailures: Sendable {
    /// Wrong tokens one peer may send per window.
    static let limit = 10
    /// The window.
    static let window: Duration = .seconds(60)
    /// Peers tracked at most.
    static let capacity = 4096

    private struct Entry {
        var start: ContinuousClock.Instant
        var count: Int
    }
    private let table = Mutex<[String: Entry]>([:])

    /// Seconds `peer` must wait before it may try again, or `nil` when it may try now.
    func retryAfter(_ peer: String, now: ContinuousClock.Instant = .now) -> Int? {
        table.withLock { table in
            guard let entry = table[Self.key(peer, in: table)], entry.count >= Self.limit else { return nil }
            let left = Self.window - (now - entry.start)
            guard left > .zero else { return nil }
            return Int(left.components.seconds) + 1
        }
    }

    /// Notes a wrong token from `peer`.
    func record(_ peer: String, now: ContinuousClock.Instant = .now) {
        table.withLock { table in
            if table[peer] == nil, table.count >= Self.capacity {
                table = table.filter { now - $0.value.start < Self.window }
            }
            let key = Self.key(peer, in: table)
            if var entry = table[key], now - entry.start < Self.window {
                entry.count += 1
                table[key] = entry
            } else {
                table[key] = Entry(start: now, count: 1)
            }
        }
    }

    /// `peer`, or the shared entry when the table is full and `peer` is not in it.
    private static func key(_ peer: String, in table: [String: Entry]) -> String {
        table[peer] != nil || table.count < capacity ? peer : "*"
    }
}
