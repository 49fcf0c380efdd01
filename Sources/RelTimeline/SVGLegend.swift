/// The legend under the lanes: what the shapes, fills and dashes mean.
enum SVGLegend {
    /// A sample shape and its words; the shape is drawn with its left edge at x = 0, centred on y = 0.
    struct Entry {
        var sample: String
        var sampleWidth: Double
        var words: String
    }

    static let grey = "#555555"

    static let shapes: [Entry] = [
        Entry(sample: "<circle cx=\"6\" cy=\"0\" r=\"6\" fill=\"\(grey)\"/>", sampleWidth: 12, words: "event"),
        Entry(
            sample: "<line x1=\"0\" y1=\"0\" x2=\"28\" y2=\"0\" stroke=\"\(grey)\" stroke-opacity=\"0.5\" stroke-width=\"1.5\"/>"
                + "<circle cx=\"14\" cy=\"0\" r=\"6\" fill=\"\(grey)\"/>",
            sampleWidth: 28, words: "event dated to the month or year"),
        Entry(
            sample: "<rect x=\"0\" y=\"-4\" width=\"28\" height=\"8\" rx=\"4\" fill=\"\(grey)\"/>", sampleWidth: 28,
            words: "event over a span of time"),
        Entry(
            sample: "<rect x=\"0\" y=\"-6\" width=\"28\" height=\"12\" rx=\"1\" fill=\"\(grey)\"/>", sampleWidth: 28, words: "agreement"),
        Entry(
            sample: "<rect x=\"0\" y=\"-4\" width=\"20\" height=\"8\" rx=\"4\" fill=\"\(grey)\"/>"
                + "<path d=\"M23 -5 L28 0 L23 5\" fill=\"none\" stroke=\"\(grey)\" stroke-width=\"2\"/>",
            sampleWidth: 28, words: "still running, or goes on past the edge"),
    ]

    static let claims: [Entry] = [
        Entry(
            sample: "<rect x=\"0\" y=\"-6\" width=\"28\" height=\"12\" fill=\"\(grey)\" stroke=\"\(grey)\"/>", sampleWidth: 28,
            words: "reported (solid)"),
        Entry(
            sample: "<rect x=\"0\" y=\"-6\" width=\"28\" height=\"12\" fill=\"#ffffff\" stroke=\"\(grey)\" stroke-width=\"2\"/>",
            sampleWidth: 28, words: "alleged (hollow)"),
        Entry(
            sample: "<rect x=\"0\" y=\"-6\" width=\"28\" height=\"12\" fill=\"url(#hatch-legend)\" stroke=\"\(grey)\" stroke-width=\"2\"/>",
            sampleWidth: 28, words: "disputed (hatched)"),
        Entry(
            sample: "<rect x=\"0\" y=\"-6\" width=\"28\" height=\"12\" fill=\"\(grey)\" fill-opacity=\"0.45\" stroke=\"\(grey)\" "
                + "stroke-dasharray=\"4 2\"/>",
            sampleWidth: 28, words: "uncertain window or approximate date (faded, dashed)"),
    ]

    /// The legend's two rows, the first at `top`.
    static func svg(top: Double, left: Double) -> String {
        var s = "<g class=\"legend\" aria-label=\"Legend\" fill=\"#333333\">\n"
        for (row, entries) in [shapes, claims].enumerated() {
            var x = left
            let y = top + 12 + Double(row) * 26
            for entry in entries {
                s += "<g transform=\"translate(\(Markup.number(x)) \(Markup.number(y)))\">\(entry.sample)"
                s += "<text x=\"\(Markup.number(entry.sampleWidth + 6))\" y=\"4\">\(entry.words)</text></g>\n"
                // About 6.5 units per character of a 12-unit sans-serif font.
                x += entry.sampleWidth + 6 + Double(entry.words.count) * 6.5 + 22
            }
        }
        s += "</g>\n"
        return s
    }
}
