import Foundation
import PostgresNIO
import RelStore
import Synchronization

/// Turns what the PostgreSQL client threw into the store's errors, said in storage terms.
///
/// The database being down, restarting, failing over, out of connections or slow to hand one
/// out is ``StoreError/unavailable(reason:)``: relhub answers 503 with `Retry-After`, and the
/// replica tries again; nothing was written, or, for a push whose commit was cut off, the
/// retry is harmless (a change already logged is a duplicate).
enum PostgresFailure {
    /// Runs `body`, giving up with ``StoreError/unavailable(reason:)`` after `deadline`: the
    /// client's pool queues a request while it cannot connect, and a query on a connection whose
    /// peer went silent waits until TCP gives up. The answer comes at the deadline; a body still
    /// running then goes on in the background (postgres-nio cannot cancel a query in flight)
    /// until the server's `statement_timeout` or the connection ends it.
    static func translating<T: Sendable>(
        within deadline: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let timer = Task {
                do { try await Task.sleep(for: deadline) } catch { return }  // the body answered first
                let reason = "the database did not answer within \(deadline.components.seconds) s"
                // A request still waiting for a connection gives its place in the queue up.
                if race.finish(.failure(StoreError.unavailable(reason: reason))) { race.cancelWork() }
            }
            race.run {
                do { _ = race.finish(.success(try await body())) } catch { _ = race.finish(.failure(error)) }
                timer.cancel()
            }
        }
    }

    /// A body and a deadline racing to answer one caller: the first to finish answers.
    private final class Race<T: Sendable>: Sendable {
        private let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        private let work = Mutex<Task<Void, Never>?>(nil)

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            waiting.withLock { $0 = continuation }
        }

        func run(_ body: @escaping @Sendable () async -> Void) {
            work.withLock { $0 = Task { await body() } }
        }

        func cancelWork() {
            work.withLock { $0?.cancel() }
        }

        /// Answers the caller with `result`, unless it was answered already; says whether it was this.
        func finish(_ result: Result<T, any Error>) -> Bool {
            guard
                let continuation = waiting.withLock({ waiting in
                    defer { waiting = nil }
                    return waiting
                })
            else { return false }
            continuation.resume(with: result.mapError { PostgresFailure.storeError($0) })
            return true
        }
    }

    /// The store error for what the client threw.
    static func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as PostgresTransactionError:
            // The first failure is the cause; a rollback failing after it says the connection went.
            if let cause = error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError {
                return storeError(cause)
            }
            return .internal(reason: "a transaction failed without an error")
        case let error as PSQLError: return storeError(error)
        case is CancellationError: return .unavailable(reason: "the request was cancelled")
        default:
            // The connection pool's own errors (no connection within its limits, pool shut down).
            return .unavailable(reason: "no database connection: \(error)")
        }
    }

    private static func storeError(_ error: PSQLError) -> StoreError {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            let reason = "PostgreSQL \(state): \(message)"
            switch state {
            case "53100": return .diskFull(path: "the database server")
            case "54000", "54001": return .requestTooLarge(reason: reason)
            case "40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300", "25006":
                // Serialization, deadlock, lock timeout, cancelled, shutdown, too many
                // connections, read-only (a standby): the request may succeed soon.
                return .unavailable(reason: reason)
            default:
                if state.hasPrefix("08") || state.hasPrefix("28") { return .unavailable(reason: reason) }
                return .internal(reason: reason)
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .queryCancelled:
            return .unavailable(reason: "the database connection failed (\(error.code))")
        default:
            return .internal(reason: "PostgreSQL client: \(error.code)")
        }
    }
}
