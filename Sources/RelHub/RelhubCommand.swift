import ArgumentParser
import Foundation
import Logging
import RelModel
import RelService
import RelStore

/// `relhub`: the command line of the feed server.
public struct RelhubCommand: AsyncParsableCommand {
    /// Help text and version.
    public static let configuration = CommandConfiguration(
        commandName: "relhub",
        abstract: "The reld team feed: replicas push their changes here and pull everyone else's.",
        discussion: """
            relhub keeps its own SQLite store (or, with --database, a PostgreSQL database that several \
            relhubs may share), merges pushed changes with the same rules as reld, and serves them \
            over HTTP (docs/sync-protocol.md). Every request but /v1/health needs a bearer \
            token listed in token_file (or the systemd credential feed-tokens). Settings come from \
            defaults, then the config file, then these options. Without --config it reads \
            $CONFIGURATION_DIRECTORY/relhub.toml or /etc/relhub/relhub.toml if present.

            Exit status: 0 after a clean shutdown; 1 when it cannot run (state directory in use, port \
            taken, damaged or unreachable database); 64 for a bad command line (unknown option, bad option value, \
            unusable token file named by --token-file); 78 for a bad config file (unreadable, bad \
            syntax, unknown key, bad value, unusable token file named in it or no token file at all).
            """,
        version: RelVersion.current,
        subcommands: [MigrateCommand.self]
    )

    @Option(name: .long, help: ArgumentHelp("Config file (TOML).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on (default 127.0.0.1:8470).", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Directory for the database and lock file.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File of accepted bearer tokens, one per line.", valueName: "file"))
    var tokenFile: String?

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "Keep the feed in PostgreSQL (postgres://USER@HOST/DATABASE) instead of SQLite in --state-dir.", valueName: "url"))
    var database: String?

    @OptionGroup var shared: HubSharedOptions
    var databasePasswordFile: String? { shared.databasePasswordFile }
    var logLevel: String? { shared.logLevel }

    /// Creates the command (ArgumentParser fills it in).
    public init() {}

    /// Parses the arguments and runs; exits with the documented status.
    public static func runMain() async -> Never {
        await DaemonCommand.main(Self.self)
    }

    /// Checks the options on their own (exit 64 on a bad one, before any config file is read).
    public func validate() throws {
        try DaemonCommand.checkValues(
            servingOptions + [("--log-level", logLevel), ("--database-password-file", databasePasswordFile)],
            files: ["--config", "--token-file", "--database-password-file"])
        if let database {
            var scratch = HubConfig.defaults(environment: [:])
            do { try scratch.setDatabase(database) } catch { throw ValidationError("--database: \(error.description)") }
        }
        if let listen {
            var scratch = HubConfig.defaults(environment: [:])
            do { try scratch.setListen(listen) } catch { throw ValidationError("--\(error.description)") }
        }
        if let logLevel {
            do { _ = try DaemonCommand.logLevel(logLevel) } catch { throw ValidationError(error.description) }
        }
    }

    /// Loads the configuration and tokens and runs the hub.
    public func run() async throws {
        let config: HubConfig
        let tokens: [String]
        var password: String?
        do {
            config = try loadConfig()
            guard let file = config.tokenFile else {
                throw HubConfigError(
                    "no token file: set token_file in relhub.toml, pass --token-file, or provide the systemd credential feed-tokens")
            }
            tokens = try SecretFile.read(file)
            if config.database != nil, let file = config.databasePasswordFile { password = try SecretFile.readPassword(file) }
        } catch {
            // The options' values were checked in validate(); what is left of theirs is a token
            // or password file named by its option that cannot be used.
            let named = (error as? SecretFileError).map { $0.kind == "password file" ? databasePasswordFile : tokenFile } ?? nil
            let optionFault = named != nil
            throw DaemonCommand.refusedSettings("relhub", "\(error)\(optionFault ? "" : origin(of: error))", optionFault: optionFault)
        }
        let describe: (any Error) -> String = { ($0 as? StoreError)?.hubMessage ?? "\($0)" }
        try await DaemonCommand.serve("relhub", level: config.logLevel, describe: describe) { logger in
            if let file = config.tokenFile, SecretFile.isGroupOrWorldReadable(file) {
                logger.warning("token file \(file) can be read by other users; chmod 600 it")
            }
            if let file = config.databasePasswordFile, config.database != nil, SecretFile.isGroupOrWorldReadable(file) {
                logger.warning("password file \(file) can be read by other users; chmod 600 it")
            }
            let store = config.database.map { "\($0)" } ?? config.stateDirectory
            logger.info(
                "starting relhub \(RelVersion.current)",
                metadata: ["store": "\(store)", "listen": "\(config.host):\(config.port)"])
            try await Hub(config: config, tokens: tokens, databasePassword: password, logger: logger).run()
        }
    }

    /// The options that only serving takes (``MigrateCommand`` refuses them), by name.
    var servingOptions: [(String, String?)] {
        [("--config", config), ("--listen", listen), ("--state-dir", stateDir), ("--token-file", tokenFile), ("--database", database)]
    }

    /// Where an unusable token file was named, when not by --token-file: the config file or
    /// the systemd credential.
    func origin(of error: any Error) -> String {
        guard let e = error as? SecretFileError else { return "" }
        let environment = ProcessInfo.processInfo.environment
        let password = e.kind == "password file"
        if let credentials = environment["CREDENTIALS_DIRECTORY"], e.path.hasPrefix(credentials + "/") {
            return " (the systemd credential \(password ? "database-password" : "feed-tokens"))"
        }
        let fallback = (environment["CONFIGURATION_DIRECTORY"] ?? "/etc/relhub") + "/relhub.toml"
        let path = config ?? (FileManager.default.fileExists(atPath: fallback) ? fallback : nil)
        return path.map { " (named by \(password ? "[storage] password_file" : "token_file") in \($0))" } ?? ""
    }

    func loadConfig() throws -> HubConfig {
        let environment = ProcessInfo.processInfo.environment
        var config = HubConfig.defaults(environment: environment)
        let fallback = (environment["CONFIGURATION_DIRECTORY"] ?? "/etc/relhub") + "/relhub.toml"
        if let path = self.config ?? (FileManager.default.fileExists(atPath: fallback) ? fallback : nil) {
            try HubConfigFile.apply(path: path, to: &config)
        }
        if let listen { try config.setListen(listen) }
        if let stateDir { config.stateDirectory = DaemonCommand.absolute(stateDir) }
        if let tokenFile { config.tokenFile = DaemonCommand.absolute(tokenFile) }
        if let database { try config.setDatabase(database) }
        if let databasePasswordFile { config.databasePasswordFile = DaemonCommand.absolute(databasePasswordFile) }
        if let logLevel { config.logLevel = try DaemonCommand.logLevel(logLevel) }
        return config
    }
}
