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
    private struct State {
        var table: [String: Entry] = [:]
        /// When expired entries were last dropped: at most once a window, so a flood from new
        /// addresses costs a lookup per guess, not a pass over the whole table.
        var lastSweep: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    /// Seconds `peer` must wait before it may try again, or `nil` when it may try now.
    func retryAfter(_ peer: String, now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            guard let entry = state.table[Self.key(peer, in: state.table)], entry.count >= Self.limit else { return nil }
            let left = Self.window - (now - entry.start)
            guard left > .zero else { return nil }
            return Int(left.components.seconds) + 1
        }
    }

    /// Notes a wrong token from `peer`.
    func record(_ peer: String, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if state.table[peer] == nil, state.table.count >= Self.capacity,
                state.lastSweep.map({ now - $0 >= Self.window }) ?? true
            {
                state.table = state.table.filter { now - $0.value.start < Self.window }
                state.lastSweep = now
            }
            let key = Self.key(peer, in: state.table)
            if var entry = state.table[key], now - entry.start < Self.window {
                entry.count += 1
                state.table[key] = entry
            } else {
                state.table[key] = Entry(start: now, count: 1)
            }
        }
    }

    /// `peer`, or the shared entry when the table is full and `peer` is not in it.
    private static func key(_ peer: String, in table: [String: Entry]) -> String {
        table[peer] != nil || table.count < capacity ? peer : "*"
    }
}
