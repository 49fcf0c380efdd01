import ArgumentParser
import Foundation
import Logging
import NIOSSL
import RelControlAPI
import RelModel
import RelService
import RelSync

/// `reld`: the command line of the daemon.
public struct ReldCommand: AsyncParsableCommand {
    /// Help text and version.
    public static let configuration = CommandConfiguration(
        commandName: "reld",
        abstract: "The reld records daemon: keeps the local ledger of events and agreements.",
        discussion: """
            reld keeps a SQLite store in its state directory and serves the control API on a Unix \
            socket for relctl. Settings come from built-in defaults, then the config file, then these \
            options. With a feed (--feed or [sync] feed) it syncs on an interval, soon after local \
            changes, and on `relctl sync`. Without --config it reads $CONFIGURATION_DIRECTORY/reld.toml, /etc/reld/reld.toml \
            (root) or ~/.config/reld/reld.toml if present.

            Exit status: 0 after a clean shutdown (SIGTERM, SIGINT); 1 when it cannot run (state \
            directory in use, socket taken, damaged database); 78 for a bad config file or option.
            """,
        version: RelVersion.current
    )

    @Option(name: .long, help: ArgumentHelp("Config file (TOML).", valueName: "file"))
    var config: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Directory for the database and lock file.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Path of the control socket.", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Feed to sync with: a relhub URL, or a snapshot document's URL (*.json).", valueName: "url"))
    var feed: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the feed's bearer token.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of certificate authorities to trust for the feed, besides the system's.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("sync-interval"), help: ArgumentHelp("Seconds between sync rounds (default 60).", valueName: "seconds"))
    var syncInterval: Int?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    /// Creates the command (ArgumentParser fills it in).
    public init() {}

    /// Parses the arguments and runs; exits with the documented status.
    public static func runMain() async -> Never {
        await DaemonCommand.main(Self.self)
    }

    /// Loads the configuration and runs the daemon.
    public func run() async throws {
        let config: DaemonConfig
        let feed: FeedSettings?
        do {
            config = try loadConfig()
            feed = try Self.feedSettings(config)
        } catch {
            FileHandle.standardError.write(Data("reld: error: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let journal = JournalLogHandler.stderrIsJournal
        let level = config.logLevel
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, journal: journal) }
        let logger = Logger(label: "reld")
        logger.info("starting reld \(RelVersion.current)", metadata: ["state_dir": "\(config.stateDirectory)", "socket": "\(config.socketPath)"])
        do {
            if let file = config.tokenFile, feed != nil, SecretFile.isGroupOrWorldReadable(file) {
                logger.warning("token file \(file) can be read by other users; chmod 600 it")
            }
            try await Daemon(config: config, feed: feed, logger: logger).run()
        } catch {
            logger.critical("\(error)")
            if !journal { FileHandle.standardError.write(Data("reld: error: \(error)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    func loadConfig() throws -> DaemonConfig {
        let environment = ProcessInfo.processInfo.environment
        var config = DaemonConfig.defaults(environment: environment)
        if let path = self.config {
            try ConfigFile.apply(path: path, to: &config)
        } else {
            let fallback = DefaultPaths(environment: environment).configFile
            if FileManager.default.fileExists(atPath: fallback) { try ConfigFile.apply(path: fallback, to: &config) }
        }
        if let stateDir { config.stateDirectory = Self.absolute(stateDir) }
        if let socket { config.socketPath = Self.absolute(socket) }
        if let feed {
            do { _ = try FeedURL(feed) } catch { throw DaemonError("--feed: \(error)") }
            config.feed = feed
        }
        if let tokenFile { config.tokenFile = Self.absolute(tokenFile) }
        if let caFile { config.caFile = Self.absolute(caFile) }
        if let syncInterval {
            guard (1...86_400).contains(syncInterval) else { throw DaemonError("--sync-interval \(syncInterval): must be 1 to 86400 seconds") }
            config.syncInterval = syncInterval
        }
        if let logLevel { config.logLevel = try DaemonCommand.logLevel(logLevel) }
        return config
    }

    /// The feed settings, token read, or `nil` without a feed.
    static func feedSettings(_ config: DaemonConfig) throws -> FeedSettings? {
        guard let feed = config.feed else { return nil }
        var settings = FeedSettings(url: try FeedURL(feed))
        if let file = config.tokenFile { settings.token = try SecretFile.read(file)[0] }
        if let file = config.caFile {
            // Read now, so that a wrong path or a file that is not PEM stops reld with its name.
            do { _ = try NIOSSLCertificate.fromPEMFile(file) } catch {
                throw DaemonError("ca_file \(file): cannot read PEM certificates from it (\(error)); give a file of -----BEGIN CERTIFICATE----- blocks")
            }
            settings.caFile = file
        }
        settings.interval = .seconds(config.syncInterval)
        settings.maxBackoff = .seconds(config.maxBackoff)
        settings.clockBound = ClockBound(maxSkewMillis: Int64(config.maxClockSkew) * 1000)
        return settings
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
