import Foundation
import Logging
import RelModel
import RelService
import RelStorePostgres

/// Everything relhub needs to run: defaults, then the config file, then flags.
public struct HubConfig: Sendable, Equatable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// TCP port.
    public var port = 8470
    /// Where the database and lock file live.
    public var stateDirectory: String
    /// File of accepted bearer tokens, one per line.
    public var tokenFile: String?
    /// Least severe level logged.
    public var logLevel: Logger.Level = .info
    /// Largest push body accepted, after decompression.
    public var maxPushBytes = 64 << 20
    /// Changes per page at most.
    public var maxPageSize = 5000
    /// How far ahead of the hub's clock a pushed change may be.
    public var clockBound: ClockBound = .default
    /// Idle timeout and connection cap (`idle_timeout`, `max_connections`).
    public var limits = ServerLimits(idleTimeoutSeconds: 30, maxConnections: 512)
    /// Whether and to whom `/feed.json` is served (`json_feed`).
    public var jsonFeed: JSONFeedAccess = .off
    /// The JSON Feed's title and URLs (`json_feed_title`, `json_feed_home_page_url`, `json_feed_url`).
    public var jsonFeedInfo = JSONFeed()
    /// Items in the JSON Feed at most: the most recently changed records (`json_feed_items`).
    public var jsonFeedItems = 100
    /// The PostgreSQL database that keeps the feed (`[storage] url`, `--database`); `nil` keeps
    /// it in SQLite, in ``stateDirectory``.
    public var database: PostgresLocation?
    /// The file holding the database role's password (`[storage] password_file`,
    /// `--database-password-file`; default: the systemd credential `database-password`).
    public var databasePasswordFile: String?
    /// Connections to the database at most (`[storage] max_connections`).
    public var databaseMaxConnections = 10

    /// Defaults for this user: `/var/lib/relhub` as root or under systemd, else XDG state.
    public static func defaults(environment env: [String: String] = ProcessInfo.processInfo.environment) -> HubConfig {
        let home = env["HOME"] ?? NSHomeDirectory()
        let state =
            env["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? (geteuid() == 0 ? "/var/lib/relhub" : (env["XDG_STATE_HOME"] ?? home + "/.local/state") + "/relhub")
        var config = HubConfig(stateDirectory: state)
        // systemd credentials (LoadCredential=feed-tokens:...) need no config at all.
        if let credentials = env["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: credentials + "/feed-tokens") {
            config.tokenFile = credentials + "/feed-tokens"
        }
        if let credentials = env["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: credentials + "/database-password") {
            config.databasePasswordFile = credentials + "/database-password"
        }
        return config
    }

    /// Creates a configuration.
    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    /// Reads the database URL (`postgres://USER@HOST/DATABASE`).
    public mutating func setDatabase(_ url: String) throws(HubConfigError) {
        do throws(PostgresLocationError) { database = try PostgresLocation(url: url) } catch { throw HubConfigError(error.description) }
    }

    /// Parses `HOST:PORT` (`[::1]:8470` for IPv6).
    public mutating func setListen(_ text: String) throws(HubConfigError) {
        let bad = HubConfigError(
            "listen \(JSONText.quoted(text)): must be HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470 (port 0 picks a free one)")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw bad
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad }
        self.host = host
        self.port = port
    }
}

/// Who may read `/feed.json`.
public enum JSONFeedAccess: String, Sendable, Equatable, CaseIterable {
    /// Not served (404): the default, as the feed shows every record to whoever asks.
    case off
    /// Served to anyone, without a token: what a feed reader can follow.
    case `public`
    /// Served only with one of the hub's bearer tokens, as the sync routes are.
    case token
}

/// A relhub setting that cannot be used, said with where it came from.
public struct HubConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole message.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
