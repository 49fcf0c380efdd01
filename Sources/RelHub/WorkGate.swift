import Foundation

/// Lets one piece of heavy work of a kind run at a time (one push's parse, check and merge; one
/// snapshot build); the others wait, suspended, in the order they came.
///
/// Handlers run on Swift's cooperative thread pool, one thread per core. Checking a large batch
/// is CPU work that does not suspend, so two large pushes at once on a two-core host held every
/// thread and `/v1/health` went unanswered until they were done. With the gate a push holds at
/// most one thread, and a waiting push holds none. Merges are written one transaction at a time
/// anyway, so pushes lose little by waiting here. A snapshot is built whole in memory (every
/// field of the feed, then its JSON text), so one at a time keeps relhub's peak memory to one
/// build however many followers ask at once.
final class WorkGate: @unchecked Sendable {
    private let lock = NSLock()
    private var busy = false
    // A queue: `head` moves forward instead of removing the first item, so each leave is O(1).
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    /// Waits until no other work holds the gate, then holds it; pair with ``leave()``.
    func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if busy {
                waiting.append(c)
                lock.unlock()
            } else {
                busy = true
                lock.unlock()
                c.resume()
            }
        }
    }

    /// Hands the gate to the next waiting work, or opens it.
    func leave() {
        lock.lock()
        guard head < waiting.count else {
            busy = false
            lock.unlock()
            return
        }
        let next = waiting[head]
        head += 1
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        }
        lock.unlock()
        next.resume()
    }
}
