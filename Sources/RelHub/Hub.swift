import Foundation
import Hummingbird
import Logging
import NIOCore
import RelModel
import RelService
import RelStore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// relhub itself: takes its state directory, opens its store, and serves the feed over HTTP
/// until SIGTERM or SIGINT.
public struct Hub: Sendable {
    let config: HubConfig
    let tokens: [String]
    let logger: Logger

    /// Creates a hub; `tokens` are the bearer tokens it accepts.
    public init(config: HubConfig, tokens: [String], logger: Logger) {
        self.config = config
        self.tokens = tokens
        self.logger = logger
    }

    /// Runs until a shutdown signal.
    public func run() async throws {
        umask(0o077)
        let notifier = SystemdNotifier()
        let stateDirectory = try StateDirectory(path: config.stateDirectory, name: "relhub")
        let upgrade = StartTimeoutExtension(notifier: notifier)
        let database = try AppDatabase(path: stateDirectory.databasePath, upgrading: upgrade.announcing(to: logger))
        upgrade.stop()
        logger.info("database open", metadata: ["path": "\(database.path)", "feed_id": "\(database.nodeID)"])

        let config = self.config
        let logger = self.logger
        let app = Self.application(database: database, config: config, tokens: tokens, logger: logger) { channel in
            // The bound port, which differs from the configured one when that is 0.
            let port = channel.localAddress?.port ?? config.port
            logger.info("ready", metadata: ["listen": "\(config.host):\(port)"])
            let head = (try? await database.feedHead()) ?? 0
            notifier.ready(status: "Serving the feed on \(config.host):\(port); \(head) changes")
        }
        let systemd = SystemdService(notifier: notifier, logger: logger) {
            (try? await database.feedHead()).map { "Serving the feed on \(config.host):\(config.port); \($0) changes" }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app, systemd], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw ListenError(error, host: config.host, port: config.port) ?? error
        }
        try await database.close()
        logger.info("stopped cleanly")
        withExtendedLifetime(stateDirectory) {}
    }

    /// The feed server: every route and middleware over `database`, on relhub's HTTP/1.1 shell
    /// (limits, framing, JSON answers to unreadable requests), to listen on the configured
    /// address. ``run()`` serves it; tests serve it in process. `onServerRunning` runs once it listens.
    static func application(
        database: AppDatabase, config: HubConfig, tokens: [String], logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.middlewares.add(HubErrorMiddleware())
        let open = config.jsonFeed == .public ? [FeedRoutes.health, FeedRoutes.jsonFeed] : [FeedRoutes.health]
        router.middlewares.add(BearerAuth(tokens: tokens, openPaths: Set(open), logger: logger))
        router.middlewares.add(GzipMiddleware(maxBytes: config.maxPushBytes))
        FeedAPI(database: database, config: config).register(on: router)
        return Application(
            router: router,
            server: config.limits.server(
                name: "relhub", logger: logger,
                errorBody: { message in
                    Array(
                        JSONText.compact(
                            JSONValue.object([
                                "error": .object(["code": .string(WireErrorCode.badRequest.rawValue), "message": .string(message)])
                            ])
                        ).utf8)
                }),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
            onServerRunning: { channel in
                await AcceptPause.install(on: channel, server: "relhub", logger: logger)
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}
