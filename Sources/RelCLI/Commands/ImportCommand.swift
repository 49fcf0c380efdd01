import ArgumentParser
import Foundation
import RelControlAPI
import RelFiles
import RelInterchange
import RelModel

#if canImport(Glibc)
    import Glibc
#endif

/// `relctl import FILE`
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a JSON array of records, or a CSV file, all or nothing.",
        discussion: """
            Records with an id that exists are updated field by field; identical ones are left alone, \
            so importing the same file twice changes nothing. If any record is invalid, nothing is \
            imported and the error names the record and the field (for CSV, the line and the column). \
            The file is sent while it is read, and reld keeps the records on its disk until it \
            writes them, so a file of any size takes little memory in either (reld's \
            max_import_bytes bounds it). On a terminal, what has been sent, then the records \
            written so far and the rate, are shown on standard error (not with --quiet). Ctrl-C \
            before reld has written every record cancels the import: reld rolls it back, nothing \
            is imported.

            --format csv reads the columns `export --format csv` writes; acled reads ACLED's standard \
            export (ids acled-EVENT_ID_CNTY) and ucdp UCDP's GED (ids ucdp-ID), row by row. Columns no \
            field holds are kept at the end of the notes, so `export --format acled` (or ucdp) gives \
            the same rows back.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The file to import, or - for standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("json (the default), csv (our own columns), acled or ucdp.", valueName: "format"))
    var format: ImportFormat = .json

    func run() async throws {
        let name = file == "-" ? "(stdin)" : file
        let upload: ImportUpload
        var csv: CSVRecordStream?
        var opened: Int32?
        if let format = format.csvFormat {
            let records = try Self.csvRecords(file, format: format)
            csv = records
            upload = .csv(records)
        } else {
            do {
                if file != "-" { opened = try PlainFile.openForReading(file) }
            } catch {
                throw CLIError(.usage, "import \(file): cannot read it: \(error.words)", code: JSONErrorOutput.Code.fileUnreadable)
            }
            upload = .file(opened ?? STDIN_FILENO, name: name)
        }
        // The file is sent as it is read; until reld has written every record, relctl going away
        // (Ctrl-C, or a bad row found on the way) makes reld drop the import.
        Interrupt.message = "interrupted: the import was cancelled; nothing was imported"
        let view = ImportProgressView()
        ProgressLine.waitingFor = "sending \(name) to reld"
        let summary: ImportResponse
        do {
            // The streamed answer: progress to draw, and reld learns at once if relctl goes.
            _ = try await global.client.send(
                .post, Routes.importRecords, query: [(ImportStreamFormat.parameter, "1")],
                upload: upload, timeout: .seconds(3600),
                invalidInput: .refused,  // the file's content, not the command line
                onChunk: view.take)
            ProgressLine.shared.clear()
            summary = try Self.summary(of: view.outcome)
        } catch let error as CLIError where error.status == .refused && error.code != WireErrorCode.badAnswer.rawValue {
            ProgressLine.shared.clear()
            // A bad CSV row found by relctl is named by its line already.
            if error.answer == nil, csv != nil { throw error }
            throw CLIError(
                .refused, "\(upload.whileStill { Self.placed(error, file: name, csv: csv) }); nothing was imported",
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
