import RelControlAPI
import RelModel

extension HumanOutput {
    /// `relctl search`: each match on two lines, best first: id, date, kind, category and title
    /// (a deleted record's marked), then the snippet with the matched words in [brackets].
    static func search(_ page: SearchPage, offset: Int, width: Int? = nil) -> String {
        guard !page.hits.isEmpty else {
            return page.total == 0 ? "No records match.\n" : "No records at offset \(offset) (\(page.total) match).\n"
        }
        var out = ""
        for hit in page.hits {
            let r = hit.record
            var head = [
                r["id"]?.stringValue ?? "", DateSpec(json: r["date"] ?? .null)?.text ?? "?",
                r["kind"]?.stringValue ?? "", r["category"]?.stringValue ?? "",
            ].joined(separator: "  ")
            // Before the title, which is what a narrow terminal cuts.
            head += "  " + (hit.deleted ? "(deleted) " : "") + (r["title"]?.stringValue ?? "")
            // The snippet joins list items and lines of notes: one line reads best.
            let snippet = "    " + hit.snippet.split(whereSeparator: \.isNewline).joined(separator: " ")
            for line in [head, snippet] {
                let shown = TerminalText.escaped(line)
                out += (width.map { TerminalText.truncated(shown, toWidth: $0) } ?? shown) + "\n"
            }
        }
        if page.hits.count < page.total {
            out += "(\(page.hits.count) of \(page.total) records shown, from \(offset + 1); use --limit and --offset for more)\n"
        } else {
            out += "(\(plural(page.total, "record")))\n"
        }
        return out
    }
}
