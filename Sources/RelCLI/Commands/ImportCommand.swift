import ArgumentParser
import Foundation
import RelControlAPI

/// `relctl import FILE`
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a JSON array of records, all or nothing.",
        discussion: """
            Records with an id that exists are updated field by field; identical ones are left alone, \
            so importing the same file twice changes nothing. If any record is invalid, nothing is \
            imported and the error names the record and the field.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The file to import, or - for standard input.", valueName: "file"))
    var file: String

    func run() async throws {
        let body: Data
        do {
            body = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CLIError(.usage, "import \(file): cannot read it: \((error as NSError).localizedDescription)")
        }
        let data: Data
        do {
            data = try await global.client.send(.POST, Routes.importRecords, body: body, timeout: .hours(1))
        } catch let error as CLIError where error.status == .refused {
            throw CLIError(.refused, "import \(file == "-" ? "(stdin)" : file): \(error.description); nothing was imported")
        }
        if global.json { return printRaw(data) }
        printText(HumanOutput.importSummary(try decode(ImportResponse.self, data)))
    }
}
