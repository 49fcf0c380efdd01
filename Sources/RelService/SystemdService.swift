import Logging
import ServiceLifecycle

/// Keeps systemd informed while a program runs: `WATCHDOG=1` while `status` answers (so a hung
/// store gets the program restarted), a fresh `STATUS=` line, and `STOPPING=1` at shutdown.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let logger: Logger
    let status: @Sendable () async -> String?

    /// Creates the service; `status` returns the status line, or `nil` when the program's store
    /// does not answer, which withholds the watchdog ping.
    public init(notifier: SystemdNotifier, logger: Logger, status: @escaping @Sendable () async -> String?) {
        self.notifier = notifier
        self.logger = logger
        self.status = status
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        guard notifier.isActive else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            let watchdog = SystemdNotifier.watchdogInterval()
            let interval = watchdog.map { $0 / 2 } ?? .seconds(30)
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                guard !Task.isShuttingDownGracefully else { break }
                if let line = await status() {
                    if watchdog != nil { notifier.watchdog() }
                    notifier.status(line)
                } else {
                    logger.error("the database does not answer; withholding the watchdog ping")
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down")
            notifier.stopping()
        }
    }
}
