import Foundation
import Logging
import Synchronization

/// Keeps systemd waiting while a start is slow on purpose: a store being upgraded, which for a
/// large one takes longer than the unit's `TimeoutStartSec` (90 s by default).
///
/// ``begin(status:)`` sends `EXTEND_TIMEOUT_USEC` (systemd 236 and later) at once and then every
/// `interval`, each asking for `interval` and a margin more, until ``stop()``: a start that
/// hangs is still stopped by systemd, one margin after the last extension.
public final class StartTimeoutExtension: Sendable {
    private let notifier: SystemdNotifier
    private let interval: Duration
    private let usec: Int64
    /// `nil` before ``begin(status:)``; then whether ``stop()`` was called.
    private let stopped = Mutex<Bool?>(nil)

    /// An extension not begun yet; it never begins if systemd is not listening.
    public init(notifier: SystemdNotifier, interval: Duration = .seconds(10), margin: Duration = .seconds(30)) {
        self.notifier = notifier
        self.interval = interval
        let (seconds, attoseconds) = (interval + margin).components
        usec = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Asks systemd for more time now and every `interval` until ``stop()``, showing `status`.
    public func begin(status: String) {
        let first = stopped.withLock { state in
            defer { state = state ?? false }
            return state == nil
        }
        guard notifier.isActive, first else { return }
        notifier.send("EXTEND_TIMEOUT_USEC=\(usec)\nSTATUS=\(status)")
        let thread = Thread { [self] in
            var next = ContinuousClock.now + interval
            while stopped.withLock({ $0 }) == false {
                Thread.sleep(forTimeInterval: 0.2)
                guard ContinuousClock.now >= next, stopped.withLock({ $0 }) == false else { continue }
                notifier.send("EXTEND_TIMEOUT_USEC=\(usec)")
                next = ContinuousClock.now + interval
            }
        }
        thread.name = "start-timeout"
        thread.start()
    }

    /// A store's `upgrading` callback: logs the upgrade, then begins asking for time.
    public func announcing(to logger: Logger) -> @Sendable ([String]) -> Void {
        { [self] migrations in
            logger.notice(
                "upgrading the store; on a large one this takes minutes: let it finish",
                metadata: ["migrations": "\(migrations.joined(separator: ","))"])
            begin(status: "Upgrading the store")
        }
    }

    /// Stops asking; the start must now finish within the unit's own timeout.
    public func stop() {
        stopped.withLock { $0 = true }
    }
}
