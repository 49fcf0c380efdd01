import Logging
import TOMLKit

/// One key of a config file and its value, as ``ConfigFileReader`` hands it to a server's key
/// table: typed reads that refuse a bad value with the file, line, key and what it must be.
public struct ConfigEntry {
    /// The key's name in its table (`feed`).
    public let name: String
    /// The key as messages name it (`sync.feed` for `feed` in `[sync]`).
    public let key: String
    let value: any TOMLValueConvertible
    let file: String
    /// The file's text, where the key's line is looked up only when there is an error to show.
    let text: String
    let unknownReason: String

    /// The error for this key's value: `FILE:LINE: key "KEY": REASON`.
    public func fail(_ reason: String) -> ConfigFileError {
        ConfigFileError(file: file, line: ConfigText.line(of: name, in: text), key: key, reason: reason)
    }

    /// The error for a key the server does not know, listing the ones it does.
    public func unknownKey() -> ConfigFileError { fail(unknownReason) }

    /// The value as text; `reason` says what it must be otherwise.
    public func string(_ reason: String) throws(ConfigFileError) -> String {
        guard let s = value.string else { throw fail(reason) }
        return s
    }

    /// The value as an absolute path (relative paths would depend on where the server starts).
    public func absolutePath() throws(ConfigFileError) -> String {
        guard let s = value.string, s.hasPrefix("/") else { throw fail("must be an absolute path in quotes") }
        return s
    }

    /// The value as a whole number in `range`; `reason` says what it must be otherwise.
    public func int(in range: ClosedRange<Int>, _ reason: String) throws(ConfigFileError) -> Int {
        guard let n = value.int, range.contains(n) else { throw fail(reason) }
        return n
    }

    /// A size limit for request bodies, 1 KiB to 4 GiB.
    public func byteCount() throws(ConfigFileError) -> Int {
        try int(in: 1024...(4 << 30), "must be a whole number of bytes, 1024 to 4294967296")
    }

    /// How far ahead of local time a change's clock may be, in whole seconds (at least 1).
    public func clockSkewSeconds() throws(ConfigFileError) -> Int {
        try int(in: 1...Int.max, "must be a whole number of seconds, at least 1")
    }

    /// The value as a log level name.
    public func logLevel() throws(ConfigFileError) -> Logger.Level {
        guard let s = value.string, let level = Logger.Level(rawValue: s) else {
            throw fail("must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    /// Whether this key is one of the connection limits (`idle_timeout`, `max_connections`).
    public var isServerLimit: Bool { ServerLimits.configKeys.contains(name) }

    /// Sets the connection limit this key names.
    public func apply(to limits: inout ServerLimits) throws(ConfigFileError) {
        if let reason = limits.set(name, from: value.int) { throw fail(reason) }
    }
}
