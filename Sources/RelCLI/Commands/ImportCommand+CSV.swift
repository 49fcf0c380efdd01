import ArgumentParser
import Foundation
import RelFiles
import RelInterchange
import RelModel

/// What `relctl import` reads.
enum ImportFormat: String, ExpressibleByArgument, CaseIterable {
    /// A JSON array of records (or a JSON Feed's `_reld` records), as `export` writes it.
    case json
    /// reld's own CSV columns, as `export --format csv` writes them.
    case csv
    /// ACLED's standard export.
    case acled
    /// UCDP's Georeferenced Event Dataset (GED).
    case ucdp

    /// The CSV format, `nil` for JSON.
    var csvFormat: CSVFormat? {
        switch self {
        case .json: nil
        case .csv: .csv
        case .acled: .acled
        case .ucdp: .ucdp
        }
    }
}

extension ImportCommand {
    /// The records of a CSV file as the JSON array reld's import takes: the file is read row by
    /// row, each row mapped and checked here, so a bad row is named by its line and column and
    /// nothing is sent. reld itself knows only JSON.
    static func csvBody(_ file: String, format: CSVFormat) throws -> Data {
        let name = file == "-" ? "(stdin)" : file
        let path = file == "-" ? "/dev/stdin" : file
        if file != "-", let words = FileProblem.words(forReading: file) {
            throw CLIError(.usage, "import \(file): cannot read it: \(words)", code: JSONErrorOutput.Code.fileUnreadable)
        }
        guard let stream = InputStream(fileAtPath: path) else {
            throw CLIError(.usage, "import \(file): cannot read it", code: JSONErrorOutput.Code.fileUnreadable)
        }
        do {
            let body = try CSVImport(format: format).body(stream: stream, file: name) { rows in
                ProgressLine.shared.update("reading \(name): \(ProgressLine.count(rows)) rows")
            }.body
            ProgressLine.shared.clear()
            return body
        } catch {
            ProgressLine.shared.clear()
            throw CLIError(.refused, "\(error.description); nothing was imported", code: .validationFailed)
        }
    }
}
