import Foundation
import OrderedCollections
import RelModel

/// Writes records as CSV in our own columns, ACLED's or UCDP GED's, RFC 4180 quoting and CRLF
/// line ends.
///
/// Written by hand rather than with CSV.swift's `CSVWriter`, which writes one byte per call to
/// an `OutputStream`: relctl builds the export in memory and replaces the file atomically.
public struct CSVExport: Sendable {
    /// The format's mapping.
    public let mapping: any RowMapping
    private let header: [String]

    /// An exporter for `format`.
    public init(format: CSVFormat) {
        mapping = format.mapping
        header = mapping.columns
    }

    /// The header line and one line per record (canonical form, as reld gives them).
    public func text(_ records: [JSONValue]) -> String {
        var out = ""
        Self.append(header, to: &out)
        for record in records { Self.append(values(for: record), to: &out) }
        return out
    }

    /// The cells of one record, in column order. Kept cells fill the columns no field holds;
    /// they also replace the cells of fields (a date as ACLED or UCDP wrote it, its country's
    /// spelling) as long as they still say what the record says, i.e. the record has not
    /// been edited since; after an edit, the fields win.
    public func values(for record: JSONValue) -> [String] {
        let derived = mapping.cells(from: record)
        guard let dataset = mapping.dataset else { return header.map { derived[$0] ?? "" } }
        let kept = KeptColumns.split(record["notes"]?.stringValue ?? "", dataset: dataset).kept
        guard !kept.columns.isEmpty else { return header.map { derived[$0] ?? "" } }
        var candidate = derived
        for (k, v) in kept.columns { candidate[k] = v }
        if stillSays(candidate, columns: Array(kept.columns.keys), record) { return header.map { candidate[$0] ?? "" } }
        var unheld = derived
        for (k, v) in kept.columns where derived[k] == nil { unheld[k] = v }
        return header.map { unheld[$0] ?? "" }
    }

    /// Whether importing `cells` gives back `record` exactly.
    private func stillSays(_ cells: [String: String], columns: [String], _ record: JSONValue) -> Bool {
        var names = header
        for k in columns where !header.contains(k) { names.append(k) }
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        let row = CSVRow(line: 0, values: names.map { cells[$0] ?? "" }, index: index)
        let importer = CSVImport(mapping: mapping)
        guard let again = try? importer.record(from: row, file: "", header: names),
            let canonical = try? RecordValidator.record(from: again, newID: { "" }),
            // Checked too, so numbers compare as the schema holds them (a latitude of 8 is 8.0).
            let given = try? RecordValidator.record(from: record, newID: { "" })
        else { return false }
        return canonical.json == given.json
    }

    /// One CSV line: a cell is quoted when it holds a comma, a quote, or a line break.
    static func append(_ values: [String], to out: inout String) {
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out += "\""
                out += value.replacingOccurrences(of: "\"", with: "\"\"")
                out += "\""
            } else {
                out += value
            }
        }
        out += "\r\n"
    }
}
