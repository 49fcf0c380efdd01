import OrderedCollections
import RelModel

/// Columns of a dataset that no record field holds (ACLED's `inter1`, `timestamp`, ...; UCDP's
/// `relid`, `best`, ...), kept with the record so an export gives back the same rows.
///
/// They live at the end of `notes`, after a blank line, as one line: `ACLED columns: ` and a JSON
/// object of strings. Not in a field of their own: a reld that does not know a field refuses the
/// whole feed page that carries it, so a new field would stop sync between old and new replicas;
/// `notes` syncs everywhere, and the line stays readable in `relctl show`.
public struct KeptColumns: Sendable, Equatable {
    /// The dataset's name as the line starts: `ACLED` or `UCDP`.
    public var dataset: String
    /// Column name to value, in the dataset's column order.
    public var columns: OrderedDictionary<String, String>

    /// Most columns kept for one record.
    public static let maxColumns = 64
    /// Longest column name kept, in characters.
    public static let maxNameLength = 64
    /// Longest value kept, in characters.
    public static let maxValueLength = 2_000

    /// Columns of `dataset`.
    public init(dataset: String, columns: OrderedDictionary<String, String> = [:]) {
        self.dataset = dataset
        self.columns = columns
    }

    private var prefix: String { "\(dataset) columns: " }

    /// `notes` with the columns' line after it (no line when no column is kept).
    public func appended(to notes: String) -> String {
        guard !columns.isEmpty else { return notes }
        var object = OrderedDictionary<String, JSONValue>()
        for (k, v) in columns { object[k] = .string(v) }
        let line = prefix + JSONText.compact(.object(object))
        return notes.isEmpty ? line : notes + "\n\n" + line
    }

    /// Splits `notes` into the text before the columns' line and the columns it holds; notes
    /// without such a line are all text.
    public static func split(_ notes: String, dataset: String) -> (notes: String, kept: KeptColumns) {
        var kept = KeptColumns(dataset: dataset)
        let lineStart: String.Index
        if let newline = notes.lastIndex(of: "\n") {
            lineStart = notes.index(after: newline)
        } else {
            lineStart = notes.startIndex
        }
        let line = notes[lineStart...]
        guard line.hasPrefix(kept.prefix),
            let object = try? JSONValue.parse(String(line.dropFirst(kept.prefix.count))).objectValue
        else { return (notes, kept) }
        for (k, v) in object {
            guard let s = v.stringValue else { return (notes, KeptColumns(dataset: dataset)) }
            kept.columns[k] = s
        }
        var text = notes[..<lineStart]
        if text.hasSuffix("\n\n") {
            text = text.dropLast(2)
        } else if text.hasSuffix("\n") {
            text = text.dropLast()
        }
        return (String(text), kept)
    }

    /// Checks the bounds, naming the column at fault.
    func check() throws(CellError) {
        if columns.count > Self.maxColumns {
            let extra = columns.keys[Self.maxColumns]
            throw CellError(
                column: extra, value: columns[extra] ?? "",
                reason: "more than \(Self.maxColumns) columns would be kept with the record; drop the columns you do not need")
        }
        for (k, v) in columns {
            if k.count > Self.maxNameLength {
                throw CellError(column: k, value: v, reason: "the column's name is longer than \(Self.maxNameLength) characters")
            }
            if v.count > Self.maxValueLength {
                throw CellError(
                    column: k, value: v, reason: "is longer than the \(Self.maxValueLength) characters kept for a column no field holds")
            }
        }
    }
}
