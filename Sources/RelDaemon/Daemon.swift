#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import Logging
import RelStore
import ServiceLifecycle

/// reld itself: takes the state directory, opens the store, serves the control socket, and
/// tells systemd how it is doing, until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    let config: DaemonConfig
    let logger: Logger

    /// Creates a daemon for `config`.
    public init(config: DaemonConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Runs until a shutdown signal; returns once requests in flight are done and the database is closed.
    public func run() async throws {
        umask(0o077)
        let notifier = SystemdNotifier()
        let startedAt = Date()
        let stateDirectory = try StateDirectory(path: config.stateDirectory)
        try SocketGuard.prepare(config.socketPath)
        let database = try AppDatabase(path: stateDirectory.databasePath)
        logger.info("database open", metadata: ["path": "\(database.path)", "node": "\(database.nodeID)"])

        let router = Router()
        ControlAPI(database: database, config: config, startedAt: startedAt).register(on: router)
        let config = self.config
        let logger = self.logger
        let app = Application(
            router: router,
            configuration: .init(address: .unixDomainSocket(path: config.socketPath), serverName: nil),
            onServerRunning: { _ in
                do {
                    try SocketGuard.setAccess(config.socketPath, mode: config.socketMode, group: config.socketGroup)
                } catch {
                    logger.warning("\(error)")
                }
                let stats = try? await database.statistics()
                let count = stats.map { $0.counts.values.reduce(0, +) } ?? 0
                logger.info("ready", metadata: ["socket": "\(config.socketPath)", "records": "\(count)"])
                notifier.ready(status: stats.map { SystemdService.statusLine($0, socket: config.socketPath) }
                    ?? "Serving on \(config.socketPath)")
            },
            logger: logger
        )
        let systemd = SystemdService(notifier: notifier, database: database, socketPath: config.socketPath, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [app, systemd], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            unlink(config.socketPath)
            throw error
        }
        unlink(config.socketPath)
        try await database.close()
        logger.info("stopped cleanly")
        withExtendedLifetime(stateDirectory) {}
    }
}

/// Keeps systemd informed: `WATCHDOG=1` while the database answers, a fresh `STATUS=` line with
/// the record count, and `STOPPING=1` when shutdown begins.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let database: AppDatabase
    let socketPath: String
    let logger: Logger

    func run() async throws {
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
                if let stats = try? await database.statistics() {
                    if watchdog != nil { notifier.watchdog() }
                    notifier.status(Self.statusLine(stats, socket: socketPath))
                } else {
                    logger.error("database does not answer; withholding the watchdog ping")
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down")
            notifier.stopping()
        }
    }

    /// The `STATUS=` text `systemctl status` shows.
    static func statusLine(_ stats: StoreStatistics, socket: String) -> String {
        let count = stats.counts.values.reduce(0, +)
        return "Serving \(count) records on \(socket); \(stats.pendingChanges) changes not yet synced"
    }
}
