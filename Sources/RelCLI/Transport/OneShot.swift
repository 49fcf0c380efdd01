import Foundation

/// A value that a thread gives once and tasks wait for: how the exchange's thread hands its
/// answer to relctl's async code.
final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?
    private var waiters: [CheckedContinuation<Value, any Error>] = []

    /// Gives the value or the error; only the first call counts.
    func resolve(_ outcome: Result<Value, any Error>) {
        let waiting = lock.withLock { () -> [CheckedContinuation<Value, any Error>] in
            guard result == nil else { return [] }
            result = outcome
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.resume(with: outcome) }
    }

    /// Waits for the value, or throws the error given.
    var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = lock.withLock { () -> Result<Value, any Error>? in
                    if result == nil { waiters.append(continuation) }
                    return result
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
