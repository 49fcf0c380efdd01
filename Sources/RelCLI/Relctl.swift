import ArgumentParser
import Foundation
import RelControlAPI
import RelModel

/// `relctl`: the control CLI of reld.
public struct Relctl: AsyncParsableCommand {
    /// Subcommands, help and version.
    public static let configuration = CommandConfiguration(
        commandName: "relctl",
        abstract: "Work with the reld ledger of events and agreements.",
        discussion: """
            relctl talks to reld over its Unix socket. Add --json to any command for machine output:
            one JSON document on standard output, also on failure ({"error": {"code", "message", ...},
            "exit_status": N}; docs/relctl-json.md).

            Exit status:
              0    success
              1    reld could not do it: the ledger's state (no such record, record
                   deleted, id exists already, no open conflict), an invalid record
                   in an import file, a failed sync round, a full disk, a damaged
                   store, an internal fault
              2    what was typed is wrong, whoever notices it (relctl, or reld
                   refusing a value from the command line): unknown command or
                   option, an option given twice, a malformed or invalid value, a
                   request over a documented limit, an unreadable import path
              3    reld is not reachable (not running, wrong --socket, permission
                   denied)
              130  interrupted by Ctrl-C (SIGINT)
            """,
        version: RelVersion.current,
        subcommands: [
            StatusCommand.self, AddEventCommand.self, AddAgreementCommand.self, ListCommand.self,
            SearchCommand.self, ShowCommand.self, HistoryCommand.self, EditCommand.self, DeleteCommand.self, RestoreCommand.self,
            ImportCommand.self, ExportCommand.self, TimelineCommand.self, SyncCommand.self, ConflictsCommand.self,
            ResolveCommand.self, MetricsCommand.self,
        ]
    )

    /// Creates the command (ArgumentParser fills it in).
    public init() {}

    /// Parses the arguments, runs the subcommand and exits with the documented status.
    public static func runMain() async -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let json = JSONErrorOutput.isRequested(by: arguments)
        // A reader that goes (`relctl export | head`) is an EPIPE to handle, not a signal that
        // kills relctl: writeStandardOutput stops quietly, and a request to reld fails in words.
        signal(SIGPIPE, SIG_IGN)
        Interrupt.install(json: json)
        do {
            let checks = ArgumentChecks.relctl
            if let word = checks.unknownCommand(arguments) {
                throw CLIError(.usage, "unknown command \(JSONText.quoted(word)); `relctl --help` lists the commands")
            }
            let prepared = checks.joiningNegativeNumbers(hoistingGlobalOptions(arguments))
            var command = try parseAsRoot(prepared)
            try checks.refuseRepeats(prepared, command: type(of: command).configuration.commandName ?? "")
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as CLIError {
            // Messages quote what was typed or stored: escape it, as human output does.
            FileHandle.standardError.write(Data("error: \(TerminalText.escaped(error.description, multiline: true))\n".utf8))
            if json { JSONErrorOutput(error).write() }
            Foundation.exit(error.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { self.exit(withError: error) }  // --help, --version
            let message = fullMessage(for: error)
            // ArgumentParser says "Error: ..."; relctl says "error: ..." like the rest of its errors.
            let text = TerminalText.escaped(message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message, multiline: true)
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            let status = code == .validationFailure ? CLIError.Status.usage.rawValue : code.rawValue
            if json { JSONErrorOutput(exitStatus: status, message: Self.message(for: error)).write() }
            Foundation.exit(status)
        }
    }
}

/// Moves `--socket PATH`, `--json` and `--quiet` given before the subcommand to after it, so that
/// `relctl --socket /x status` works like `relctl status --socket /x`.
func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var i = 0
    while i < arguments.count, arguments[i].hasPrefix("-") {
        let a = arguments[i]
        if a == "--socket", i + 1 < arguments.count {
            leading += [a, arguments[i + 1]]
            i += 2
        } else if a.hasPrefix("--socket=") || a == "--json" || a == "--quiet" {
            leading.append(a)
            i += 1
        } else {
            return arguments  // --help, --version, or an unknown option: let ArgumentParser answer
        }
    }
    guard i < arguments.count, !leading.isEmpty else { return arguments }
    return [arguments[i]] + leading + arguments[(i + 1)...]
}

/// Prints `data` to standard output as it came (the daemon's JSON), ending with a newline.
func printRaw(_ data: Data) {
    writeStandardOutput(data)
    if data.last != 0x0A { writeStandardOutput(Data([0x0A])) }
}

/// Prints text for people to standard output. Control characters other than newline and tab
/// (an ESC from a record value, say) show as escapes, so no value can act on the terminal.
func printText(_ text: String) {
    writeStandardOutput(Data(TerminalText.escaped(text, multiline: true).utf8))
}

/// Writes to standard output; when the reader has gone (`relctl export | head`), stops quietly
/// as other Unix tools do, instead of trapping on the write error.
func writeStandardOutput(_ data: Data) {
    do { try FileHandle.standardOutput.write(contentsOf: data) } catch { Foundation.exit(0) }
}

/// Decodes a daemon answer; a mismatch means relctl and reld versions differ.
func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
    do { return try JSONDecoder().decode(type, from: data) } catch {
        throw CLIError(
            .refused, "could not read reld's answer (is relctl the same version as reld?): \(plainDecodingProblem(error))",
            code: JSONErrorOutput.Code.badAnswer)
    }
}

/// What did not fit in an answer, in words rather than DecodingError's Swift description.
func plainDecodingProblem(_ error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the answer" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?: return "\(path(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "\(path(context.codingPath)) has an unexpected type"
    case .dataCorrupted(let context)?:
        return context.codingPath.isEmpty ? "it is not valid JSON" : "\(path(context.codingPath)) has an unexpected value"
    default: return "it does not have the expected shape"
    }
}
