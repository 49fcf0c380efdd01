import Foundation
import Hummingbird
import Logging
import NIOCore
import RelControlAPI
import RelService
import RelStore
import RelSync
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// reld itself: takes the state directory, opens the store, serves the control socket, and
/// tells systemd how it is doing, until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    let config: DaemonConfig
    let feed: FeedSettings?
    let logger: Logger

    /// Creates a daemon for `config`, syncing with `feed` if given.
    public init(config: DaemonConfig, feed: FeedSettings? = nil, logger: Logger) {
        self.config = config
        self.feed = feed
        self.logger = logger
    }

    /// The engine that syncs `database` with `feed`, telling store errors in reld's words.
    static func syncEngine(database: AppDatabase, feed: FeedSettings, logger: Logger, metrics: SyncMetrics) -> SyncEngine {
        SyncEngine(database: database, settings: feed, logger: logger, metrics: metrics, storeMessage: { $0.reldMessage })
    }

    /// Runs until a shutdown signal; returns once requests in flight are done and the database is closed.
    public func run() async throws {
        umask(0o077)
        let notifier = SystemdNotifier()
        let startedAt = Date()
        let stateDirectory = try StateDirectory(path: config.stateDirectory)
        ImportSpool.removeLeftovers(in: config.stateDirectory, logger: logger)
        try SocketGuard.prepare(config.socketPath)
        let upgrade = StartTimeoutExtension(notifier: notifier)
        let database = try AppDatabase(path: stateDirectory.databasePath, upgrading: upgrade.announcing(to: logger))
        upgrade.stop()
        logger.info("database open", metadata: ["path": "\(database.path)", "node": "\(database.nodeID)"])
        // The name labels this node's changes in history, here and wherever they are pushed.
        try await database.setNodeName(config.nodeName)

        let metrics = DaemonMetrics()
        let sync = feed.map { Self.syncEngine(database: database, feed: $0, logger: self.logger, metrics: metrics.sync) }
        let config = self.config
        let logger = self.logger
        let api = ControlAPI(database: database, config: config, startedAt: startedAt, sync: sync, metrics: metrics)
        let app = Self.application(api, logger: logger) { _ in
            do {
                try SocketGuard.setAccess(config.socketPath, mode: config.socketMode, group: config.socketGroup)
            } catch {
                logger.warning("\(error)")
            }
            let stats = try? await database.statistics()
            let count = stats.map { $0.counts.values.reduce(0, +) } ?? 0
            logger.info("ready", metadata: ["socket": "\(config.socketPath)", "records": "\(count)"])
            notifier.ready(
                status: stats.map { Self.statusLine($0, socket: config.socketPath) }
                    ?? "Serving on \(config.socketPath)")
        }
        let systemd = SystemdService(notifier: notifier, logger: logger) {
            (try? await database.statistics()).map { Self.statusLine($0, socket: config.socketPath) }
        }
        var services: [any Service] = [app, systemd]
        if let sync {
            logger.info("syncing", metadata: ["feed": "\(feed?.url.string ?? "")"])
            services.append(SyncService(engine: sync))
        }
        var configured = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        // The check ends on its own; that must not end reld.
        configured.append(
            .init(
                service: DatabaseCheckService(database: database, logger: logger),
                successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: .init(
                services: configured, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            unlink(config.socketPath)
            throw SocketGuard.bindProblem(error, path: config.socketPath) ?? error
        }
        unlink(config.socketPath)
        try await database.close()
        logger.info("stopped cleanly")
        withExtendedLifetime(stateDirectory) {}
    }

    /// The control server: `api`'s routes and middleware on reld's HTTP/1.1 shell (limits,
    /// framing, JSON answers to unreadable requests), to listen on the configured socket.
    /// ``run()`` serves it; tests serve it in process. `onServerRunning` runs once it listens.
    static func application(
        _ api: ControlAPI, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<ControlContext>> {
        let router = Router(context: ControlContext.self)
        api.register(on: router)
        return Application(
            router: router,
            server: api.config.limits.server(
                name: "reld", logger: logger,
                errorBody: { Array((try? APIError.json(APIErrorBody(.badRequest, message: $0))) ?? Data()) }),
            configuration: .init(address: .unixDomainSocket(path: api.config.socketPath), serverName: nil),
            onServerRunning: { channel in
                await AcceptPause.install(on: channel, server: "reld", logger: logger)
                await onServerRunning(channel)
            },
            logger: logger
        )
    }

    /// The `STATUS=` text `systemctl status` shows.
    static func statusLine(_ stats: StoreStatistics, socket: String) -> String {
        let count = stats.counts.values.reduce(0, +)
        return "Serving \(count) records on \(socket); \(stats.pendingChanges) changes not yet synced"
    }
}

/// Runs the sync engine's loop for the service group and ends it at shutdown.
struct SyncService: Service {
    let engine: SyncEngine

    func run() async throws {
        await withGracefulShutdownHandler {
            await engine.run()
        } onGracefulShutdown: {
            Task { await engine.stop() }
        }
    }
}
