import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import RelModel
import RelService
import RelStore
import RelStorePostgres
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// relhub itself: takes its state directory, opens its store, and serves the feed over HTTP
/// until SIGTERM or SIGINT.
public struct Hub: Sendable {
    let config: HubConfig
    let tokens: [String]
    let databasePassword: String?
    let logger: Logger

    /// Creates a hub; `tokens` are the bearer tokens it accepts, `databasePassword` the
    /// PostgreSQL role's password, when the feed is kept there.
    public init(config: HubConfig, tokens: [String], databasePassword: String? = nil, logger: Logger) {
        self.config = config
        self.tokens = tokens
        self.databasePassword = databasePassword
        self.logger = logger
    }

    /// Runs until a shutdown signal.
    public func run() async throws {
        umask(0o077)
        if let location = config.database {
            try await runOnPostgres(location)
        } else {
            try await runOnSQLite()
        }
        logger.info("stopped cleanly")
    }

    /// The feed in SQLite, in the state directory, which only this relhub may use.
    private func runOnSQLite() async throws {
        let notifier = SystemdNotifier()
        let stateDirectory = try StateDirectory(path: config.stateDirectory, name: "relhub")
        let upgrade = StartTimeoutExtension(notifier: notifier)
        let database = try AppDatabase(path: stateDirectory.databasePath, upgrading: upgrade.announcing(to: logger))
        upgrade.stop()
        if let location = try await database.movedTo() {
            throw FeedMovedError(stateDirectory: config.stateDirectory, location: location)
        }
        logger.info("database open", metadata: ["path": "\(database.path)", "feed_id": "\(database.nodeID)"])
        try await serve(database, notifier: notifier, storeIsLocal: true)
        try await database.close()
        withExtendedLifetime(stateDirectory) {}
    }

    /// The feed in PostgreSQL, which other relhubs may share. The client's connections are
    /// opened, the schema brought up to date and the feed id read before the port opens, and
    /// closed after the last request is answered.
    private func runOnPostgres(_ location: PostgresLocation) async throws {
        let notifier = SystemdNotifier()
        // A refused password or a missing database is said at once, in PostgreSQL's words.
        let probe = try await PostgresProbe.connect(
            location, password: databasePassword, applicationName: "relhub", patience: .seconds(30), logger: logger)
        try? await probe.close()
        try await PostgresFeedStore.withClient(
            location, password: databasePassword, maximumConnections: config.databaseMaxConnections, logger: logger
        ) { client in
            let upgrade = StartTimeoutExtension(notifier: notifier)
            let store = try await PostgresFeedStore.open(
                client: client, location: location.description, snapshotIdleSeconds: config.limits.idleTimeoutSeconds + 60, logger: logger)
            upgrade.stop()
            logger.info("database open", metadata: ["database": "\(location)", "feed_id": "\(store.feedID)"])
            try await serve(store, notifier: notifier, storeIsLocal: false)
        }
    }

    /// Serves the feed from `store` until a shutdown signal, telling systemd how it goes. A
    /// local store that stops answering withholds the watchdog ping, so that systemd restarts
    /// relhub; a database server that does is not relhub's to fix by restarting (and systemd
    /// would give up on relhub after a few restarts): relhub says so in its status, answers
    /// 503, and reconnects once the server is back.
    private func serve(_ store: any FeedStore, notifier: SystemdNotifier, storeIsLocal: Bool) async throws {
        let config = self.config
        let logger = self.logger
        let app = Self.application(store: store, config: config, tokens: tokens, logger: logger) { channel in
            // The bound port, which differs from the configured one when that is 0.
            let port = channel.localAddress?.port ?? config.port
            logger.info("ready", metadata: ["listen": "\(config.host):\(port)"])
            let head = (try? await store.feedHead()) ?? 0
            notifier.ready(status: "Serving the feed on \(config.host):\(port); \(head) changes")
        }
        let systemd = SystemdService(notifier: notifier, logger: logger) {
            guard let head = try? await store.feedHead() else {
                return storeIsLocal
                    ? nil : "Serving the feed on \(config.host):\(config.port); the database does not answer (503 until it does)"
            }
            return "Serving the feed on \(config.host):\(config.port); \(head) changes"
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app, systemd], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw ListenError(error, host: config.host, port: config.port) ?? error
        }
    }

    /// The feed server: every route and middleware over `store`, on relhub's HTTP/1.1 shell
    /// (limits, framing, JSON answers to unreadable requests), to listen on the configured
    /// address. ``run()`` serves it; tests serve it in process. `onServerRunning` runs once it listens.
    static func application(
        store: any FeedStore, config: HubConfig, tokens: [String], logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        let metrics = HubMetrics()
        // Outermost, so that it counts the answer each request got, refusals included.
        router.middlewares.add(RequestMetrics(prefix: "relhub", factory: metrics.registry.factory))
        router.middlewares.add(HubErrorMiddleware())
        let open = config.jsonFeed == .public ? [FeedRoutes.health, FeedRoutes.jsonFeed] : [FeedRoutes.health]
        router.middlewares.add(BearerAuth(tokens: tokens, openPaths: Set(open), logger: logger))
        router.middlewares.add(GzipMiddleware(maxBytes: config.maxPushBytes))
        FeedAPI(store: store, config: config, metrics: metrics).register(on: router)
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
