import ArgumentParser
import Foundation
import Logging

/// What the command lines of reld and relhub share.
public enum DaemonCommand {
    /// Parses the arguments as `Command`, runs it (or the help it asked for) and exits with the
    /// documented status: ArgumentParser's async `main()` (which exits only on an error), then
    /// exit 0, so that a `Never` entry point needs no code after it.
    public static func main<Command: AsyncParsableCommand>(_ type: Command.Type) async -> Never {
        await Command.main(nil)
        Command.exit(withError: nil)
    }

    /// Exit status for a bad command line: an unknown option or a bad option value (EX_USAGE,
    /// as ArgumentParser exits for a parse error).
    public static let usageStatus: Int32 = 64
    /// Exit status for a bad config file, a bad value in it, or an unusable file it names (EX_CONFIG).
    public static let configStatus: Int32 = 78

    /// Refuses an option given an empty value, and a file option (`files`) given `-`: that is
    /// standard input for relctl's files, and a daemon reads its files by path. Runs in
    /// `validate()`, so a bad value exits 64 before any config file is read.
    public static func checkValues(_ options: KeyValuePairs<String, String?>, files: Set<String>) throws {
        try checkValues(options.map { ($0.key, $0.value) }, files: files)
    }

    /// ``checkValues(_:files:)`` for options gathered in a list.
    public static func checkValues(_ options: [(String, String?)], files: Set<String>) throws {
        for (option, value) in options where value?.isEmpty == true {
            throw ValidationError("\(option) \"\": give a value, or leave the option out")
        }
        for (option, value) in options where value == "-" && files.contains(option) {
            throw ValidationError("\(option) -: standard input is not read for this option; give the file's path")
        }
    }

    /// A path from the command line, made absolute against the working directory (the server
    /// may change directory; a relative path in a config file is refused instead).
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Says on standard error why the settings cannot be used (`PROGRAM: error: MESSAGE`), and
    /// returns the exit status: 64 when an option is at fault, 78 when the config file is.
    public static func refusedSettings(_ program: String, _ message: String, optionFault: Bool) -> ExitCode {
        FileHandle.standardError.write(Data("\(program): error: \(message)\n".utf8))
        return ExitCode(optionFault ? usageStatus : configStatus)
    }

    /// Sets up logging at `level` (journald's format when standard error is the journal), then
    /// runs `serve` with the program's logger. A failure exits 1, logged at critical and, when
    /// standard error is not the journal, said there too; `describe` words it (a store error
    /// with the server's advice).
    public static func serve(
        _ program: String, level: Logger.Level, describe: (any Error) -> String,
        _ serve: (Logger) async throws -> Void
    ) async throws {
        let journal = JournalLogHandler.stderrIsJournal
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, journal: journal) }
        let logger = Logger(label: program)
        do {
            try await serve(logger)
        } catch {
            let message = describe(error)
            logger.critical("\(message)")
            if !journal { FileHandle.standardError.write(Data("\(program): error: \(message)\n".utf8)) }
            throw ExitCode(1)
        }
    }

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
