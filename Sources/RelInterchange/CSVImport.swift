import Foundation
import OrderedCollections
import RelModel

/// Turns the rows of a CSV file into records, all or nothing: each row is mapped and checked
/// as reld would check it, so the first bad row is named by line, column and value before
/// anything is sent.
public struct CSVImport: Sendable {
    /// The format's mapping.
    public let mapping: any RowMapping

    /// An importer for `format`.
    public init(format: CSVFormat) {
        mapping = format.mapping
    }

    /// An importer for any mapping.
    public init(mapping: any RowMapping) {
        self.mapping = mapping
    }

    /// The column the record id comes from, to name in errors.
    var idColumn: String { mapping.columns.first ?? "id" }

    /// Refuses a file that lacks a required column, or (for a format with no kept columns) has
    /// one the format does not know.
    func checkHeader(_ reader: CSVRowReader) throws(InterchangeError) {
        for column in mapping.requiredColumns where !reader.header.contains(column) {
            throw InterchangeError(
                file: reader.file, line: 1, column: column,
                reason: "the header has no such column, which this format needs; the header is: \(reader.header.joined(separator: ","))")
        }
        if mapping.dataset == nil {
            for column in reader.header where !mapping.columns.contains(column) {
                throw InterchangeError(
                    file: reader.file, line: 1, column: column,
                    reason: "unknown column; known columns are: \(mapping.columns.joined(separator: ", "))")
            }
        }
    }

    /// The record one row makes, in input form, with the cells no field holds kept in `notes`.
    public func record(from row: CSVRow, file: String, header: [String]) throws(InterchangeError) -> JSONValue {
        var input: OrderedDictionary<String, JSONValue>
        do throws(CellError) {
            input = try mapping.record(from: row)
        } catch {
            throw InterchangeError(file: file, line: row.line, column: error.column, value: error.value, reason: error.reason)
        }
        let record: Record
        do {
            record = try RecordValidator.record(from: .object(input)) { "new" }
        } catch {
            throw blame(error, row: row, file: file)
        }
        guard let dataset = mapping.dataset else { return .object(input) }
        let derived = mapping.cells(from: record.json)
        var kept = KeptColumns(dataset: dataset)
        for (i, name) in header.enumerated() {
            let value = row.values[i]
            if Cells.text(value).nfc != (derived[name] ?? "") { kept.columns[name] = value }
        }
        do throws(CellError) { try kept.check() } catch {
            throw InterchangeError(file: file, line: row.line, column: error.column, value: error.value, reason: error.reason)
        }
        let notes = kept.appended(to: input["notes"]?.stringValue ?? "")
        if notes.count > 100_000 {
            throw InterchangeError(
                file: file, line: row.line, column: "notes",
                reason: "with the \(kept.columns.count) columns kept beside it, the record's notes would pass 100000 characters")
        }
        input["notes"] = .string(notes)
        return .object(input)
    }

    /// A refused record, said against the row: the column the field comes from and its value.
    func blame(_ error: ValidationError, row: CSVRow, file: String) -> InterchangeError {
        guard let column = mapping.column(forField: error.field), row.has(column) else {
            let reason = "field \(error.field): " + (error.value.map { "\($0): " } ?? "") + error.reason
            return InterchangeError(file: file, line: row.line, reason: reason)
        }
        return InterchangeError(
            file: file, line: row.line, column: column, value: row[column], reason: "\(error.reason) (field \(error.field))")
    }
}
