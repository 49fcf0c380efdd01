import ArgumentParser
import Foundation
import RelControlAPI

/// `relctl export [--feed] [--output FILE]`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every record as a JSON array that import takes back.",
        discussion: """
            With --feed, write a snapshot feed instead: every field's value with its clock stamp, \
            tombstones and open conflicts included. Any static web server can host it, and reld can \
            follow it read-only (feed = "https://.../ledger.json").
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file (replaced only once the export is complete) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Write a snapshot feed document rather than plain records.")
    var feed = false

    func run() async throws {
        let data = try await global.client.send(.GET, feed ? Routes.snapshot : Routes.export, timeout: .hours(1))
        guard let output else { return printRaw(data) }
        do {
            // Atomic: a failed or interrupted export never leaves a half-written file behind.
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIError(.refused, "export --output \(output): cannot write it: \((error as NSError).localizedDescription)")
        }
        if !global.json {
            FileHandle.standardError.write(Data("Exported to \(output).\n".utf8))
        }
    }
}
