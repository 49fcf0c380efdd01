import RelModel

/// A list of strings in one cell: items joined by `; `, or a JSON array when an item would
/// not survive that (it holds `;`, starts with `[` or has outer spaces).
enum ListCell {
    /// The list in `column`: a JSON array if the cell starts with `[`, else items split on `;`.
    static func read(_ row: CSVRow, _ column: String) throws(CellError) -> JSONValue {
        let text = Cells.trimmed(row[column])
        guard text.hasPrefix("[") else { return .array(Cells.list(text).map(JSONValue.string)) }
        guard let items = try? JSONValue.parse(text).arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw CellError(column: column, value: row[column], reason: "must be items separated by ; or a JSON array of strings")
        }
        return .array(items)
    }

    /// The cell for a list of strings.
    static func write(_ value: JSONValue?) -> String {
        let items = (value?.arrayValue ?? []).compactMap(\.stringValue)
        let plain = items.allSatisfy { item in
            !item.isEmpty && !item.contains(";") && !item.hasPrefix("[") && Cells.trimmed(item) == item
        }
        return plain ? items.joined(separator: "; ") : JSONText.compact(value ?? [])
    }
}
