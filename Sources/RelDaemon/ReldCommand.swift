import ArgumentParser
import Foundation
import Logging
import NIOSSL
import RelControlAPI
import RelFiles
import RelModel
import RelService
import RelStore
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
            directory in use, socket taken, damaged database); 64 for a bad command line (unknown \
            option, bad option value, unusable file named by an option); 78 for a bad config file \
            (unreadable, bad syntax, unknown key, bad value, unusable file named in it).
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

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("PEM file of certificate authorities to trust for the feed, besides the system's.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("sync-interval"), help: ArgumentHelp("Seconds between sync rounds (default 60).", valueName: "seconds"))
    var syncInterval: Int?

    @Option(
        name: .customLong("node-name"),
        help: ArgumentHelp("This node's name in history, here and on every replica (default USER@HOST; \"\" for none).", valueName: "name"))
    var nodeName: String?

    @Option(
        name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    /// Creates the command (ArgumentParser fills it in).
    public init() {}

    /// Parses the arguments and runs; exits with the documented status.
    public static func runMain() async -> Never {
        await DaemonCommand.main(Self.self)
    }

    /// Checks the options on their own (exit 64 on a bad one, before any config file is read).
    public func validate() throws {
        try DaemonCommand.checkValues(
            [
                "--config": config, "--state-dir": stateDir, "--socket": socket, "--feed": feed,
                "--token-file": tokenFile, "--ca-file": caFile, "--log-level": logLevel,
            ],
            files: ["--config", "--token-file", "--ca-file"])
        if let feed {
            do { _ = try FeedURL(feed) } catch { throw ValidationError("--feed: \(error)") }
        }
        if let nodeName, !nodeName.isEmpty, NodeName.checked(nodeName) == nil {
            throw ValidationError("--node-name \(JSONText.quoted(nodeName)): \(NodeName.rule)")
        }
        if let syncInterval, !(1...86_400).contains(syncInterval) {
            throw ValidationError("--sync-interval \(syncInterval): must be 1 to 86400 seconds")
        }
        if let logLevel {
            do { _ = try DaemonCommand.logLevel(logLevel) } catch { throw ValidationError(error.description) }
        }
    }

    /// Loads the configuration and runs the daemon.
    public func run() async throws {
        let config: DaemonConfig
        let feed: FeedSettings?
        do {
            config = try loadConfig()
            feed = try Self.feedSettings(config)
        } catch {
            let optionFault = isOptionFault(error)
            throw DaemonCommand.refusedSettings("reld", "\(error)\(optionFault ? "" : origin(of: error))", optionFault: optionFault)
        }
        try await DaemonCommand.serve("reld", level: config.logLevel, describe: { ($0 as? StoreError)?.reldMessage ?? "\($0)" }) { logger in
            logger.info(
                "starting reld \(RelVersion.current)",
                metadata: ["state_dir": "\(config.stateDirectory)", "socket": "\(config.socketPath)"])
            if let file = config.tokenFile, feed != nil, SecretFile.isGroupOrWorldReadable(file) {
                logger.warning("token file \(file) can be read by other users; chmod 600 it")
            }
            try await Daemon(config: config, feed: feed, logger: logger).run()
        }
    }

    /// Whether a failure to load the settings is about a file named by an option rather than by
    /// the config file (the options' values were checked in ``validate()``).
    func isOptionFault(_ error: any Error) -> Bool {
        switch error {
        case is SecretFileError: tokenFile != nil
        case let e as DaemonError: e.isCAFile && caFile != nil
        default: false
        }
    }

    /// Where a token or CA file that cannot be used was named, when not by an option: the config
    /// file to fix (or the systemd credential).
    func origin(of error: any Error) -> String {
        let key: String
        switch error {
        case let e as SecretFileError:
            if e.path.hasSuffix("/feed-token"), let credentials = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"],
                e.path.hasPrefix(credentials + "/")
            {
                return " (the systemd credential feed-token)"
            }
            key = "token_file"
        case let e as DaemonError where e.isCAFile: key = "ca_file"
        default: return ""
        }
        return configFilePath().map { " (named by [sync] \(key) in \($0))" } ?? ""
    }

    /// The config file read: --config, or the default one when it exists.
    func configFilePath() -> String? {
        if let config { return config }
        let fallback = DefaultPaths(environment: ProcessInfo.processInfo.environment).configFile
        return FileManager.default.fileExists(atPath: fallback) ? fallback : nil
    }

    func loadConfig() throws -> DaemonConfig {
        let environment = ProcessInfo.processInfo.environment
        var config = DaemonConfig.defaults(environment: environment)
        if let path = configFilePath() { try ConfigFile.apply(path: path, to: &config) }
        if let stateDir { config.stateDirectory = DaemonCommand.absolute(stateDir) }
        if let socket { config.socketPath = DaemonCommand.absolute(socket) }
        if let feed {
            do { _ = try FeedURL(feed) } catch { throw DaemonError("--feed: \(error)") }
            config.feed = feed
        }
        if let tokenFile { config.tokenFile = DaemonCommand.absolute(tokenFile) }
        if let caFile { config.caFile = DaemonCommand.absolute(caFile) }
        if let syncInterval {
            guard (1...86_400).contains(syncInterval) else {
                throw DaemonError("--sync-interval \(syncInterval): must be 1 to 86400 seconds")
            }
            config.syncInterval = syncInterval
        }
        if let nodeName { config.nodeName = NodeName.checked(nodeName) }
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
                var e = DaemonError(
                    "ca_file \(file): \(FileProblem.words(forReading: file) ?? "cannot read PEM certificates from it"); give a file of -----BEGIN CERTIFICATE----- blocks"
                )
                e.isCAFile = true
                throw e
            }
            settings.caFile = file
        }
        settings.interval = .seconds(config.syncInterval)
        settings.maxBackoff = .seconds(config.maxBackoff)
        settings.clockBound = ClockBound(maxSkewMillis: Int64(config.maxClockSkew) * 1000)
        return settings
    }
}
