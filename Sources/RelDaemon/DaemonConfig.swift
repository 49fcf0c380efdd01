import Foundation
import Logging
import RelControlAPI
import RelModel
import RelService

/// Everything reld needs to know to run: built-in defaults, then the config file, then flags.
public struct DaemonConfig: Sendable, Equatable {
    /// Where the database and lock file live.
    public var stateDirectory: String
    /// The control socket.
    public var socketPath: String
    /// Group that owns the control socket; `nil` keeps reld's own group.
    public var socketGroup: String?
    /// Permission bits of the control socket.
    public var socketMode: UInt16 = 0o660
    /// Least severe level logged.
    public var logLevel: Logger.Level = .info
    /// Largest request body accepted on most routes.
    public var maxRequestBytes = 1 << 20
    /// Largest request body accepted by `POST /v1/import`. The body is kept on disk, not in
    /// memory, until it is written, so this bounds disk use and time, not reld's memory.
    public var maxImportBytes = 4 << 30
    /// Idle timeout and connection cap of the control socket (`idle_timeout`, `max_connections`).
    public var limits = ServerLimits(idleTimeoutSeconds: 300, maxConnections: 256)
    /// The feed to sync with (`[sync] feed`); `nil` keeps reld offline.
    public var feed: String?
    /// File holding the feed's bearer token (`[sync] token_file`).
    public var tokenFile: String?
    /// PEM file of extra certificate authorities to trust for the feed (`[sync] ca_file`).
    public var caFile: String?
    /// Seconds between sync rounds (`[sync] interval`).
    public var syncInterval = 60
    /// Longest wait after failures, seconds (`[sync] max_backoff`).
    public var maxBackoff = 300
    /// How far ahead of this clock a pulled change may be, seconds (`[sync] max_clock_skew`).
    public var maxClockSkew = 86_400
    /// This node's human name in history, here and on every replica (`[node] name`);
    /// `user@hostname` by default.
    public var nodeName: String?

    /// The defaults for this user: system paths as root (or under systemd), XDG paths otherwise.
    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment) -> DaemonConfig {
        let paths = DefaultPaths(environment: environment)
        var config = DaemonConfig(
            stateDirectory: paths.stateDirectory, socketPath: paths.socket,
            socketGroup: paths.isSystem ? "reld" : nil)
        config.nodeName = defaultNodeName(environment: environment)
        // A systemd credential (LoadCredential=feed-token:...) needs no config at all.
        if let credentials = environment["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: credentials + "/feed-token") {
            config.tokenFile = credentials + "/feed-token"
        }
        return config
    }

    /// `user@hostname`: the user reld runs as (the login name, else the user id's) and the host.
    static func defaultNodeName(environment: [String: String]) -> String? {
        let user =
            environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "reld"
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        return NodeName.checked("\(user)@\(host)")
    }

    /// Creates a configuration.
    public init(stateDirectory: String, socketPath: String, socketGroup: String?) {
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.socketGroup = socketGroup
    }
}
