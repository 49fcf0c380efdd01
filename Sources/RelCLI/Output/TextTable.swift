/// Lays rows out in aligned columns, as `ls -l` and `systemctl list-units` do: two spaces
/// between columns, the last column never padded.
///
/// Every cell is one line: control characters show as escapes (see ``TerminalText``). Given a
/// width, the table fits it by cutting the cells of the `shrinkable` columns with `…`; the
/// other columns (ids, dates) are always shown whole, so a line may still run over when they
/// alone do not fit.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns that may be cut to fit, by index.
    var shrinkable: Set<Int>

    /// Fewest columns a shrinkable column keeps (or its header's width, if wider).
    static let minimumShrunkWidth = 8
    /// Columns between two columns.
    static let gap = 2

    init(_ header: [String], shrinkable: Set<Int> = []) {
        self.header = header.map { TerminalText.escaped($0) }
        self.shrinkable = shrinkable
    }

    mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escaped($0) }) }

    /// The table as text; `maxWidth` is the terminal's width in columns, `nil` for no limit.
    func render(maxWidth: Int? = nil) -> String {
        let all = [header] + rows
        let widths = columnWidths(all, maxWidth: maxWidth)
        return all.map { row in
            row.enumerated().map { i, cell in
                let cut = TerminalText.truncated(cell, toWidth: widths[i])
                if i == row.count - 1 { return cut }
                return cut + String(repeating: " ", count: max(0, widths[i] - TerminalText.width(cut)))
            }.joined(separator: String(repeating: " ", count: Self.gap))
        }.joined(separator: "\n") + "\n"
    }

    /// Each column's width: its widest cell, unless that overflows `maxWidth`; then the
    /// shrinkable columns share what the others leave, narrow ones first keeping all they need
    /// and the rest split evenly, so one long cell cannot take every row's room.
    func columnWidths(_ all: [[String]], maxWidth: Int?) -> [Int] {
        var natural = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < natural.count { natural[i] = max(natural[i], TerminalText.width(cell)) }
        }
        let gaps = Self.gap * max(0, header.count - 1)
        guard let maxWidth, natural.reduce(gaps, +) > maxWidth else { return natural }
        let cuttable = shrinkable.filter { $0 < natural.count }.sorted { (natural[$0], $0) < (natural[$1], $1) }
        let fixed = natural.indices.filter { !shrinkable.contains($0) }.reduce(gaps) { $0 + natural[$1] }
        var left = maxWidth - fixed
        var widths = natural
        for (n, i) in cuttable.enumerated() {
            let share = left / (cuttable.count - n)
            let floor = min(natural[i], max(Self.minimumShrunkWidth, TerminalText.width(header[i])))
            widths[i] = max(floor, min(natural[i], share))
            left -= widths[i]
        }
        return widths
    }
}

/// Aligned `Key:  value` lines. Values keep their newlines and tabs (continuation lines are
/// indented under the value); other control characters show as escapes.
struct KeyValueBlock {
    private var lines: [(String, String)] = []

    mutating func add(_ key: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        lines.append((key, TerminalText.escaped(value, multiline: true)))
    }

    func render() -> String {
        let width = (lines.map(\.0.count).max() ?? 0) + 1
        return lines.map { key, value in
            let label = key + ":" + String(repeating: " ", count: width - key.count)
            let indent = String(repeating: " ", count: width + 3)
            return label + "  " + value.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
        }.joined(separator: "\n") + "\n"
    }
}
