import ArgumentParser
import Logging

/// What the command lines of reld and relhub share.
public enum DaemonCommand {
    /// Parses the arguments as `Command`, runs it (or the help it asked for) and exits with the
    /// documented status. ArgumentParser's own `main()` cannot await a root command's `run()`
    /// when the parsed command is `help`, which is synchronous.
    public static func main<Command: AsyncParsableCommand>(_ type: Command.Type) async -> Never {
        do {
            var command = try Command.parseAsRoot()
            if var root = command as? Command { try await root.run() } else { try command.run() }
            Command.exit(withError: nil)
        } catch {
            Command.exit(withError: error)
        }
    }

    /// Exit status for a bad command line: an unknown option or a bad option value (EX_USAGE,
    /// as ArgumentParser exits for a parse error).
    public static let usageStatus: Int32 = 64
    /// Exit status for a bad config file, a bad value in it, or an unusable file it names (EX_CONFIG).
    public static let configStatus: Int32 = 78

    /// Reads a `--log-level` value, or says which are allowed.
    public static func logLevel(_ text: String) throws(LogLevelError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else { throw LogLevelError(text: text) }
        return level
    }
}

/// A `--log-level` that is not one of swift-log's levels.
public struct LogLevelError: Error, Sendable, CustomStringConvertible {
    /// What was given.
    public var text: String
    /// Names the allowed levels.
    public var description: String {
        "--log-level \"\(text)\": must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
