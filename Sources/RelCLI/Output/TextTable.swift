/// Lays rows out in aligned columns, as `ls -l` and `systemctl list-units` do: two spaces
/// between columns, the last column never padded.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// Aligned `Key:  value` lines.
struct KeyValueBlock {
    private var lines: [(String, String)] = []

    mutating func add(_ key: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        lines.append((key, value))
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
