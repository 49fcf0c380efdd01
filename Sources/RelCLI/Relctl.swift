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
            relctl talks to reld over its Unix socket. Add --json to any command for machine output.

            Exit status:
              0  success
              1  reld refused the request (invalid input, no such record), or a
                 sync round failed (no feed, feed unreachable, token refused)
              2  usage error (unknown option, malformed value)
              3  reld is not reachable (not running, wrong --socket, no permission)
            """,
        version: RelVersion.current,
        subcommands: [
            StatusCommand.self, AddEventCommand.self, AddAgreementCommand.self, ListCommand.self,
            ShowCommand.self, EditCommand.self, DeleteCommand.self, RestoreCommand.self, ImportCommand.self,
            ExportCommand.self, SyncCommand.self, ConflictsCommand.self, ResolveCommand.self,
        ]
    )

    /// Creates the command (ArgumentParser fills it in).
    public init() {}

    /// Parses the arguments, runs the subcommand and exits with the documented status.
    public static func runMain() async -> Never {
        do {
            var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(error.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { self.exit(withError: error) }  // --help, --version
            let message = fullMessage(for: error)
            // ArgumentParser says "Error: ..."; relctl says "error: ..." like the rest of its errors.
            let text = message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            Foundation.exit(code == .validationFailure ? CLIError.Status.usage.rawValue : code.rawValue)
        }
    }
}

/// Moves `--socket PATH` and `--json` given before the subcommand to after it, so that
/// `relctl --socket /x status` works like `relctl status --socket /x`.
func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var i = 0
    while i < arguments.count, arguments[i].hasPrefix("-") {
        let a = arguments[i]
        if a == "--socket", i + 1 < arguments.count {
            leading += [a, arguments[i + 1]]
            i += 2
        } else if a.hasPrefix("--socket=") || a == "--json" {
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

/// Prints text to standard output.
func printText(_ text: String) {
    writeStandardOutput(Data(text.utf8))
}

/// Writes to standard output; when the reader has gone (`relctl export | head`), stops quietly
/// as other Unix tools do, instead of trapping on the write error.
func writeStandardOutput(_ data: Data) {
    do { try FileHandle.standardOutput.write(contentsOf: data) } catch { Foundation.exit(0) }
}

/// Decodes a daemon answer; a mismatch means relctl and reld versions differ.
func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
    do { return try JSONDecoder().decode(type, from: data) } catch {
        throw CLIError(.refused, "could not read reld's answer (is relctl the same version as reld?): \(error)")
    }
}
