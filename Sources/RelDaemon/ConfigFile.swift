import Foundation
import Logging
import RelFiles
import RelModel
import RelService
import RelSync
import TOMLKit

/// Reads `reld.toml` over a configuration, refusing unknown keys and bad values with the file,
/// line and key, so a typo never silently falls back to a default.
public enum ConfigFile {
    /// Applies the file at `path` to `config`.
    public static func apply(path: String, to config: inout DaemonConfig) throws(ConfigError) {
        let text: String
        do { text = try PlainFile.readText(path) } catch {
            throw ConfigError(file: path, line: nil, key: nil, reason: "cannot read it: \(error.words)")
        }
        try apply(text: text, path: path, to: &config)
    }

    /// Applies TOML `text` (from `path`, for messages) to `config`.
    public static func apply(text: String, path: String, to config: inout DaemonConfig) throws(ConfigError) {
        let table: TOMLTable
        if let bad = ConfigText.unparsableTableHeader(in: text) {
            throw ConfigError(file: path, line: bad.line, key: nil, reason: bad.reason)
        }
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let problem = ConfigText.parseProblem(line: line, reason: error.description, in: text, quotedKeys: ["socket_mode"])
            throw ConfigError(file: path, line: line, key: problem.key, reason: problem.reason)
        } catch {
            throw ConfigError(file: path, line: nil, key: nil, reason: "\(error)")
        }
        for key in table.keys {
            let value = table[key]!
            func fail(_ reason: String) -> ConfigError {
                ConfigError(file: path, line: ConfigText.line(of: key, in: text), key: key, reason: reason)
            }
            switch key {
            case "state_dir":
                config.stateDirectory = try absolutePath(value, fail)
            case "socket":
                config.socketPath = try absolutePath(value, fail)
            case "socket_group":
                guard let s = value.string else { throw fail("must be a string (a group name)") }
                // Refused here, not at bind time: a socket left in reld's own group shuts out
                // everyone the setting was meant to let in.
                if !s.isEmpty, !SocketGuard.groupExists(s) {
                    throw fail("group \(JSONText.quoted(s)) does not exist; create it (groupadd \(s), or systemd-sysusers), name an existing group, or set \"\" to keep reld's own group")
                }
                config.socketGroup = s.isEmpty ? nil : s
            case "socket_mode":
                guard let s = value.string, let mode = UInt16(s, radix: 8), mode <= 0o777 else {
                    throw fail("must be an octal mode in quotes, such as \"0660\"")
                }
                guard mode & 0o002 == 0 else { throw fail("must not let every user write to the socket (drop the last digit's write bit)") }
                config.socketMode = mode
            case "log_level":
                guard let s = value.string, let level = Logger.Level(rawValue: s) else {
                    throw fail("must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                config.logLevel = level
            case "max_request_bytes", "max_import_bytes":
                guard let n = value.int, n >= 1024, n <= 4 << 30 else { throw fail("must be a whole number of bytes, 1024 to 4294967296") }
                if key == "max_request_bytes" { config.maxRequestBytes = n } else { config.maxImportBytes = n }
            case _ where ServerLimits.configKeys.contains(key):
                if let reason = config.limits.set(key, from: value.int) { throw fail(reason) }
            case "sync":
                guard let sync = value.table else { throw fail("must be a table: [sync]") }
                try applySync(sync, text: text, path: path, to: &config)
            default:
                throw fail("unknown key; known keys are: state_dir, socket, socket_group, socket_mode, log_level, max_request_bytes, max_import_bytes, idle_timeout, max_connections, and the table [sync]")
            }
        }
    }

    /// The `[sync]` table: feed, token_file, ca_file, interval, max_backoff, max_clock_skew.
    static func applySync(_ table: TOMLTable, text: String, path: String, to config: inout DaemonConfig) throws(ConfigError) {
        for key in table.keys {
            let value = table[key]!
            func fail(_ reason: String) -> ConfigError {
                ConfigError(file: path, line: ConfigText.line(of: key, in: text), key: "sync." + key, reason: reason)
            }
            switch key {
            case "feed":
                guard let s = value.string else { throw fail("must be a URL in quotes") }
                do { _ = try FeedURL(s) } catch { throw fail(error.description) }
                config.feed = s
            case "token_file":
                config.tokenFile = try absolutePath(value, fail)
            case "ca_file":
                config.caFile = try absolutePath(value, fail)
            case "interval", "max_backoff":
                guard let n = value.int, (1...86_400).contains(n) else { throw fail("must be a whole number of seconds, 1 to 86400") }
                if key == "interval" { config.syncInterval = n } else { config.maxBackoff = n }
            case "max_clock_skew":
                guard let n = value.int, n >= 1 else { throw fail("must be a whole number of seconds, at least 1") }
                config.maxClockSkew = n
            default:
                throw fail("unknown key; known keys of [sync] are: feed, token_file, ca_file, interval, max_backoff, max_clock_skew")
            }
        }
    }

    private static func absolutePath(_ value: any TOMLValueConvertible, _ fail: (String) -> ConfigError) throws(ConfigError) -> String {
        guard let s = value.string, s.hasPrefix("/") else { throw fail("must be an absolute path in quotes") }
        return s
    }
}

/// A config file that reld cannot use: which file, line and key, and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The key, when one is at fault.
    public var key: String?
    /// What is wrong.
    public var reason: String

    /// `FILE:LINE: key "KEY": REASON`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "key \(JSONText.quoted(key)): " }
        return s + reason
    }
}
