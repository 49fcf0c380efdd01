import ArgumentParser
import Foundation
import RelControlAPI
import RelFiles
import RelModel

/// `relctl import FILE`
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a JSON array of records, or a CSV file, all or nothing.",
        discussion: """
            Records with an id that exists are updated field by field; identical ones are left alone, \
            so importing the same file twice changes nothing. If any record is invalid, nothing is \
            imported and the error names the record and the field (for CSV, the line and the column). \
            On a terminal, the records written so far and the rate are shown on standard error (not \
            with --quiet). Ctrl-C before reld has written every record cancels the import: reld rolls \
            it back, nothing is imported.

            --format csv reads the columns `export --format csv` writes; acled reads ACLED's standard \
            export (ids acled-EVENT_ID_CNTY) and ucdp UCDP's GED (ids ucdp-ID), row by row. Columns no \
            field holds are kept at the end of the notes, so `export --format acled` gives the same \
            rows back.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The file to import, or - for standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("json (the default), csv (our own columns), acled or ucdp.", valueName: "format"))
    var format: ImportFormat = .json

    func run() async throws {
        Interrupt.message = "interrupted: nothing was imported (the file was not sent to reld yet)"
        let body: Data
        do {
            if let csv = format.csvFormat {
                body = try Self.csvBody(file, format: csv)
            } else {
                body =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile()
                    : try PlainFile.read(file)
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(
                .usage, "import \(file): cannot read it: \(FileProblem(path: file, error: error).words)",
                code: JSONErrorOutput.Code.fileUnreadable)
        }
        // Until reld has written every record, relctl going away makes reld roll the import back.
        Interrupt.message = "interrupted: the import was cancelled; nothing was imported"
        let view = ImportProgressView()
        ProgressLine.waitingFor = "waiting for reld to read and check \(file == "-" ? "the records" : file)"
        let summary: ImportResponse
        do {
            // The streamed answer: progress to draw, and reld learns at once if relctl goes.
            _ = try await global.client.send(
                .POST, Routes.importRecords, query: [(ImportStreamFormat.parameter, "1")],
                body: body, timeout: .hours(1),
                invalidInput: .refused,  // the file's content, not the command line
                onChunk: view.take)
            ProgressLine.shared.clear()
            summary = try Self.summary(of: view.outcome)
        } catch let error as CLIError where error.status == .refused && error.code != WireErrorCode.badAnswer.rawValue {
            ProgressLine.shared.clear()
            throw CLIError(
                .refused, "import \(file == "-" ? "(stdin)" : file): \(error.description); nothing was imported",
                code: error.code, answer: error.answer)
        } catch {
            ProgressLine.shared.clear()
            throw error
        }
        if global.json { return printRaw(try Self.json(summary)) }
        printText(HumanOutput.importSummary(summary))
    }
}

extension ImportCommand {
    /// The result at the end of reld's streamed answer, or the error that rolled the import back.
    static func summary(of outcome: ImportStreamLine?) throws -> ImportResponse {
        if let result = outcome?.result { return result }
        if let error = outcome?.error { throw CLIError(.refused, error.message, answer: error) }
        throw CLIError(
            .refused,
            "reld's answer ended without a result (is relctl the same version as reld?); check with `relctl status` whether the import was committed",
            code: JSONErrorOutput.Code.badAnswer)
    }

    /// The result as the plain (unstreamed) answer gives it.
    static func json(_ summary: ImportResponse) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(summary)
    }
}
