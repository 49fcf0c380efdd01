import ArgumentParser
import Foundation
import RelControlAPI
import RelFiles
import RelModel

/// `relctl export [--feed | --format jsonfeed] [--output FILE]`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every record as a JSON array that import takes back.",
        discussion: """
            With --feed, write a snapshot feed instead: every field's value with its clock stamp, \
            tombstones and open conflicts included. Any static web server can host it, and reld can \
            follow it read-only (feed = "https://.../ledger.json").

            With --format jsonfeed, write a JSON Feed 1.1 document for feed readers: the records \
            that pass the filters (--kind, --category, --party, --since and --until, as in list), \
            newest change first, each whole under "_reld". --limit, --title and the URLs are taken \
            only with --format jsonfeed, the filters also with csv, acled and ucdp.

            With --format csv, acled or ucdp, write CSV (RFC 4180) of the records that pass the \
            filters: csv has our own columns and import --format csv takes it back; acled has \
            ACLED's 31 columns and ucdp UCDP GED's 49, with the columns kept at import (see import \
            --help), so a record imported from the dataset gives back its row.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write to this file (replaced only once the export is complete) instead of standard output; - is standard output.",
            valueName: "file"))
    var output: String?

    @Flag(help: "Write a snapshot feed document rather than plain records.")
    var feed = false

    @Option(
        help: ArgumentHelp(
            "Permission bits of the --output file, in octal; the default keeps the ledger private to you, as the database is.",
            valueName: "mode"))
    var mode: String = "0600"

    @OptionGroup var jsonFeed: JSONFeedOptions

    func run() async throws {
        try checkOutput()
        let permissions = try parsedMode()
        // `-o -` is standard output, as `import -` reads standard input.
        let output = output == "-" ? nil : output
        Interrupt.message = "interrupted: the export was abandoned; nothing was written" + (output.map { " (\($0) was not touched)" } ?? "")
        let data: Data
        if let csv = jsonFeed.format.csvFormat {
            data = try await csvExport(csv)
        } else {
            let query = try jsonFeed.query(snapshot: feed)
            data = try await global.client.send(.get, feed ? Routes.snapshot : Routes.export, query: query, timeout: .seconds(3600))
        }
        guard let output else {
            Interrupt.message = "interrupted while writing the export to standard output; what was written is incomplete"
            return printRaw(data)
        }
        do throws(FileProblem) {
            // Atomic: a failed or interrupted export never leaves a half-written file behind,
            // nor (interrupts held back until the rename) a temporary file beside it.
            try Interrupt.holding { () throws(FileProblem) in
                try PlainFile.writeAtomically(data, to: output, permissions: permissions)
                Interrupt.message = "interrupted: the export was written to \(output) completely all the same"
            }
        } catch {
            throw Self.writeError(output, error)
        }
        if !global.json {
            FileHandle.standardError.write(Data("Exported to \(output).\n".utf8))
        }
    }
}

extension ExportCommand {
    /// Checks `--output` before asking reld for a possibly large export: a missing directory
    /// or a directory given as the file is a mistake in the command line.
    func checkOutput() throws { try Self.checkOutput(output) }

    /// `--output` checked as ``checkOutput()`` does, for every command that writes a file (timeline too).
    static func checkOutput(_ output: String?) throws {
        guard let output, output != "-" else { return }
        if let words = FileProblem.words(forWriting: output) {
            throw CLIError(.usage, "--output \(output): cannot write it: \(words)", code: JSONErrorOutput.Code.fileUnwritable)
        }
    }

    /// `--mode` as permission bits: octal, 0 to 0777, and only with a file to write.
    func parsedMode() throws -> mode_t { try Self.parsedMode(mode) }

    /// `--mode` as ``parsedMode()`` reads it, for every command that writes a file (timeline too).
    static func parsedMode(_ mode: String) throws -> mode_t {
        guard let bits = mode_t(mode, radix: 8), bits <= 0o777, !mode.isEmpty, mode.allSatisfy(\.isNumber) else {
            throw CLIError(.usage, "--mode \(JSONText.quoted(mode)): must be octal permission bits such as 0600 or 0644")
        }
        return bits
    }

    /// A failed write: a full disk is the machine's state (1), anything else the path given (2).
    static func writeError(_ output: String, _ problem: FileProblem) -> CLIError {
        let diskFull = problem.words.hasPrefix("disk full")
        return CLIError(
            diskFull ? .refused : .usage, "--output \(output): cannot write it: \(problem.words)\(diskFull ? "; nothing was written" : "")",
            code: JSONErrorOutput.Code.fileUnwritable)
    }
}
