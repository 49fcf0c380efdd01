import OrderedCollections
import RelModel

/// How the rows of one CSV format become records and records become rows again.
public protocol RowMapping: Sendable {
    /// The columns an export writes, in order.
    var columns: [String] { get }
    /// Columns a file must have to be read in this format.
    var requiredColumns: [String] { get }
    /// The dataset's name before its kept columns in `notes` (`ACLED`); `nil` for a format whose
    /// columns all have fields, which then refuses a column it does not know.
    var dataset: String? { get }
    /// The record a row describes, in input form, before any kept columns are added to `notes`.
    func record(from row: CSVRow) throws(CellError) -> OrderedDictionary<String, JSONValue>
    /// The cells a record (in canonical form) gives, by column name; columns no field holds are
    /// left out. Importing a row keeps exactly the cells that differ from these.
    func cells(from record: JSONValue) -> [String: String]
    /// The column to blame for a field's refusal (`location.latitude` → `latitude`).
    func column(forField path: String) -> String?
}

extension RowMapping {
    /// The column of a field path's first part that `table` names, if any.
    func column(forField path: String, in table: [String: String]) -> String? {
        var key = Substring(path)
        while true {
            if let column = table[String(key)] { return column }
            guard let cut = key.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            key = key[..<cut]
        }
    }
}
