import Foundation
import RelModel
import RelService
import RelSync

/// Reads `reld.toml` over a configuration, refusing unknown keys and bad values with the file,
/// line and key, so a typo never silently falls back to a default. The reading is
/// ``ConfigFileReader``'s (shared with relhub); the keys and what they set are reld's.
public enum ConfigFile {
    /// Applies the file at `path` to `config`.
    public static func apply(path: String, to config: inout DaemonConfig) throws(ConfigError) {
        try apply(ConfigFileReader(path: path, quotedKeys: quotedKeys), to: &config)
    }

    /// Applies TOML `text` (from `path`, for messages) to `config`.
    public static func apply(text: String, path: String, to config: inout DaemonConfig) throws(ConfigError) {
        try apply(ConfigFileReader(text: text, path: path, quotedKeys: quotedKeys), to: &config)
    }

    /// Keys whose value is a string that looks like a number: an octal mode.
    static let quotedKeys: Set<String> = ["socket_mode"]

    static func apply(_ file: ConfigFileReader, to config: inout DaemonConfig) throws(ConfigError) {
        let known = [
            "state_dir", "socket", "socket_group", "socket_mode", "log_level", "max_request_bytes",
            "max_import_bytes", "idle_timeout", "max_connections",
        ]
        try file.forEachKey(known: known, tables: ["node", "sync"]) { (entry) throws(ConfigError) in
            switch entry.name {
            case "state_dir": config.stateDirectory = try entry.absolutePath()
            case "socket": config.socketPath = try entry.absolutePath()
            case "socket_group":
                let s = try entry.string("must be a string (a group name)")
                // Refused here, not at bind time: a socket left in reld's own group shuts out
                // everyone the setting was meant to let in.
                if !s.isEmpty, !SocketGuard.groupExists(s) {
                    throw entry.fail(
                        "group \(JSONText.quoted(s)) does not exist; create it (groupadd \(s), or systemd-sysusers), name an existing group, or set \"\" to keep reld's own group"
                    )
                }
                config.socketGroup = s.isEmpty ? nil : s
            case "socket_mode":
                let reason = "must be an octal mode in quotes, such as \"0660\""
                guard let mode = UInt16(try entry.string(reason), radix: 8), mode <= 0o777 else { throw entry.fail(reason) }
                guard mode & 0o002 == 0 else {
                    throw entry.fail("must not let every user write to the socket (drop the last digit's write bit)")
                }
                config.socketMode = mode
            case "log_level": config.logLevel = try entry.logLevel()
            case "max_request_bytes": config.maxRequestBytes = try entry.byteCount()
            case "max_import_bytes": config.maxImportBytes = try entry.byteCount()
            case _ where entry.isServerLimit: try entry.apply(to: &config.limits)
            case "sync": try applySync(entry, of: file, to: &config)
            case "node": try applyNode(entry, of: file, to: &config)
            default: throw entry.unknownKey()
            }
        }
    }

    /// The `[node]` table: name.
    static func applyNode(_ table: ConfigEntry, of file: ConfigFileReader, to config: inout DaemonConfig) throws(ConfigError) {
        try file.forEachKey(ofTable: table, known: ["name"]) { (entry) throws(ConfigError) in
            switch entry.name {
            case "name":
                let s = try entry.string("must be a name in quotes, such as \"ana@laptop\"")
                // "" publishes no name: the node is shown by its id alone.
                guard s.isEmpty || NodeName.checked(s) != nil else { throw entry.fail(NodeName.rule + ", or \"\" for none") }
                config.nodeName = NodeName.checked(s)
            default: throw entry.unknownKey()
            }
        }
    }

    /// The `[sync]` table: feed, token_file, ca_file, interval, max_backoff, max_clock_skew.
    static func applySync(_ table: ConfigEntry, of file: ConfigFileReader, to config: inout DaemonConfig) throws(ConfigError) {
        let known = ["feed", "token_file", "ca_file", "interval", "max_backoff", "max_clock_skew"]
        try file.forEachKey(ofTable: table, known: known) { (entry) throws(ConfigError) in
            switch entry.name {
            case "feed":
                let s = try entry.string("must be a URL in quotes")
                do { _ = try FeedURL(s) } catch { throw entry.fail("\(error)") }
                config.feed = s
            case "token_file": config.tokenFile = try entry.absolutePath()
            case "ca_file": config.caFile = try entry.absolutePath()
            case "interval", "max_backoff":
                let n = try entry.int(in: 1...86_400, "must be a whole number of seconds, 1 to 86400")
                if entry.name == "interval" { config.syncInterval = n } else { config.maxBackoff = n }
            case "max_clock_skew": config.maxClockSkew = try entry.clockSkewSeconds()
            default: throw entry.unknownKey()
            }
        }
    }
}

/// A config file that reld cannot use: which file, line and key, and why.
public typealias ConfigError = ConfigFileError
