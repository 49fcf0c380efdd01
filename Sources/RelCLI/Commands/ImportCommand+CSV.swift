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
    /// The records of a CSV file, read and checked row by row as they are sent: a bad row is
    /// named by its line and column, and ends the import with nothing imported. reld itself
    /// knows only JSON.
    static func csvRecords(_ file: String, format: CSVFormat) throws -> CSVRecordStream {
        let name = file == "-" ? "(stdin)" : file
        let path = file == "-" ? "/dev/stdin" : file
        if file != "-", let words = FileProblem.words(forReading: file) {
            throw CLIError(.usage, "import \(file): cannot read it: \(words)", code: JSONErrorOutput.Code.fileUnreadable)
        }
        guard let stream = InputStream(fileAtPath: path) else {
            throw CLIError(.usage, "import \(file): cannot read it", code: JSONErrorOutput.Code.fileUnreadable)
        }
        do {
            return try CSVRecordStream(importer: CSVImport(format: format), stream: stream, file: name)
        } catch {
            throw CLIError(.refused, "\(error.description); nothing was imported", code: .validationFailed)
        }
    }

    /// reld's error about a record of a CSV file, said against the file's line, as relctl alone
    /// knows it: `FILE line 15: field id: "x": appears twice in this import (also line 3)`.
    /// Any other error is `import FILE: MESSAGE`.
    static func placed(_ error: CLIError, file name: String, csv: CSVRecordStream?) -> String {
        guard let csv, let index = error.answer?.recordIndex, let line = csv.line(ofRecord: index) else {
            return "import \(name): \(error.description)"
        }
        var text = error.description
        var prefix = "record \(index + 1)"
        if let id = error.answer?.recordID { prefix += " (id \(JSONText.quoted(id)))" }
        prefix += ": "
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        if let range = text.range(of: #"\(also record [0-9]+\)"#, options: .regularExpression),
            let first = Int(text[range].filter(\.isNumber)), let firstLine = csv.line(ofRecord: first - 1)
        {
            text.replaceSubrange(range, with: "(also line \(firstLine))")
        }
        return "\(name) line \(line): \(text)"
    }
}
