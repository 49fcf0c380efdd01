extension HumanOutput {
    /// `relctl timeline`: where the page went and how many records it holds, with those not on
    /// the picture, e.g. `Wrote ledger.html: 53 records (11 undated).`
    static func timeline(_ s: TimelineSummary) -> String {
        var notDrawn: [String] = []
        if s.undated > 0 { notDrawn.append("\(s.undated) undated") }
        if s.outside > 0 { notDrawn.append("\(s.outside) outside the years shown") }
        let target = s.output == "-" ? "the timeline to standard output" : s.output
        return "Wrote \(target): \(plural(s.records, "record"))" + (notDrawn.isEmpty ? "" : " (\(notDrawn.joined(separator: ", ")))")
            + ".\n"
    }
}
