import CSV
import Foundation

/// One data row of a CSV file, read by its header's names.
public struct CSVRow: Sendable {
    /// The line the row starts on (the header is line 1; a quoted newline makes a row span lines).
    public let line: Int
    /// The values in column order, as many as the header has names.
    public let values: [String]
    /// Column name to position, shared by every row of a file.
    let index: [String: Int]

    /// The value of `column`, or `""` when the file has no such column.
    public subscript(column: String) -> String {
        index[column].map { values[$0] } ?? ""
    }

    /// Whether the file has `column`.
    public func has(_ column: String) -> Bool { index[column] != nil }
}

/// Reads a CSV file row by row from a stream, so a file of any size takes memory for one row
/// at a time: RFC 4180 (quoted commas, quoted newlines, doubled quotes), a UTF-8 byte order
/// mark, and CRLF or LF line ends. Parsing is yaslab/CSV.swift's `CSVReader`; this adds the
/// header, the line numbers and errors that say where.
public final class CSVRowReader {
    /// The file as the person named it, for errors.
    public let file: String
    /// The header's names, in order, trimmed of spaces.
    public let header: [String]
    private let index: [String: Int]
    private let reader: CSVReader
    /// The line the next row starts on.
    private var nextLine = 1

    /// Opens `stream` (a file or standard input) and reads the header row.
    public init(stream: InputStream, file: String) throws(InterchangeError) {
        let csv: CSVReader
        do {
            csv = try CSVReader(stream: stream, hasHeaderRow: false)
        } catch {
            throw InterchangeError(file: file, line: 1, reason: Self.words(error))
        }
        guard let first = csv.next() else {
            if let error = csv.error, !Self.isEndOfFile(error) {
                throw InterchangeError(file: file, line: 1, reason: Self.words(error))
            }
            throw InterchangeError(file: file, line: 1, reason: "the file is empty; a CSV file starts with a header row naming its columns")
        }
        var names = first.map { $0.trimmingCharacters(in: .whitespaces) }
        // CSV.swift drops a byte order mark read from a stream; one that got through any other way goes here.
        if let name = names.first, name.hasPrefix("\u{FEFF}") { names[0] = String(name.dropFirst()) }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if let earlier = index.updateValue(i, forKey: name) {
                throw InterchangeError(
                    file: file, line: 1, column: name,
                    reason: "the header names this column twice (columns \(earlier + 1) and \(i + 1)); rename one")
            }
        }
        self.file = file
        reader = csv
        header = names
        self.index = index
        nextLine = 1 + Self.lineBreaks(in: first) + 1
    }

    /// The next data row, `nil` at the end of the file; blank lines are skipped.
    public func next() throws(InterchangeError) -> CSVRow? {
        while true {
            let line = nextLine
            guard let values = reader.next() else {
                if let error = reader.error, !Self.isEndOfFile(error) {
                    throw InterchangeError(file: file, line: line, reason: Self.words(error))
                }
                return nil
            }
            if let error = reader.error, !Self.isEndOfFile(error) {
                throw InterchangeError(file: file, line: line, reason: Self.words(error))
            }
            nextLine = line + Self.lineBreaks(in: values) + 1
            if values.count == 1, values[0].isEmpty { continue }
            guard values.count == header.count else {
                throw InterchangeError(
                    file: file, line: line,
                    reason: "has \(values.count) fields; the header has \(header.count) (a missing or extra comma, or a quote not closed?)")
            }
            return CSVRow(line: line, values: values, index: index)
        }
    }

    /// Line breaks inside quoted fields: each moves the next row down a line. CRLF counts once.
    static func lineBreaks(in values: [String]) -> Int {
        var count = 0
        for value in values {
            var previousCR = false
            for byte in value.utf8 {
                if byte == 0x0A, !previousCR { count += 1 }
                if byte == 0x0D { count += 1 }
                previousCR = byte == 0x0D
            }
        }
        return count
    }

    /// CSV.swift reports reaching the end of some streams as a failed read; that is no error.
    static func isEndOfFile(_ error: Error) -> Bool {
        if case CSVError.cannotReadFile = error { return true }
        return false
    }

    static func words(_ error: Error) -> String {
        switch error {
        case CSVError.unicodeDecoding: "not UTF-8 text; save the file as UTF-8 (CSV UTF-8) and import it again"
        case CSVError.cannotOpenFile: "cannot open it"
        case CSVError.streamErrorHasOccurred(let inner): "cannot read it: \(inner.localizedDescription)"
        default: "cannot read it: \(error)"
        }
    }
}
