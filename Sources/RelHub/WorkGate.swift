import Foundation

/// Lets a few pieces of heavy work of a kind run at once (one push's parse, check and merge; a
/// few snapshot streams); the others wait, suspended, in the order they came.
///
/// Handlers run on Swift's cooperative thread pool, one thread per core. Checking a large batch
/// is CPU work that does not suspend, so two large pushes at once on a two-core host held every
/// thread and `/v1/health` went unanswered until they were done. With the gate a push holds at
/// most one thread, and a waiting push holds none. Merges are written one transaction at a time
/// anyway, so pushes lose little by waiting here. A snapshot is written a page at a time, each
/// stream holding a read view of the database, a page and a compressor; a few slots keep that
/// bounded however many followers ask at once (``SnapshotBody``).
final class WorkGate: @unchecked Sendable {
    private let lock = NSLock()
    private var free: Int
    // A queue: `head` moves forward instead of removing the first item, so each leave is O(1).
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    /// A gate that `slots` pieces of work may hold at once.
    init(slots: Int = 1) { free = max(1, slots) }

    /// Waits until a slot is free, then holds it; pair with ``leave()``.
    func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if free == 0 {
                waiting.append(c)
                lock.unlock()
            } else {
                free -= 1
                lock.unlock()
                c.resume()
            }
        }
    }

    /// Hands the slot to the next waiting work, or frees it.
    func leave() {
        lock.lock()
        guard head < waiting.count else {
            free += 1
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

/// One held slot of a ``WorkGate``, given back once: by ``release()`` or, at the latest, when the
/// last reference goes (a response dropped before its body was written).
final class GateSlot: @unchecked Sendable {
    private let gate: WorkGate
    private let lock = NSLock()
    private var held = true

    /// Waits for a slot of `gate`.
    init(_ gate: WorkGate) async {
        self.gate = gate
        await gate.enter()
    }

    /// Gives the slot back; later calls do nothing.
    func release() {
        lock.lock()
        let was = held
        held = false
        lock.unlock()
        if was { gate.leave() }
    }

    deinit { release() }
}
