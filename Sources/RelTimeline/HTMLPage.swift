import RelModel

/// The timeline as one self-contained HTML page: the SVG picture inline, its CSS and script
/// inline, and a table of the records under it (what a printout and a screen reader read).
///
/// The page makes no request of any kind, and its Content-Security-Policy forbids any: no
/// font, image, style sheet or script from elsewhere, and only its own script (by hash). Source
/// URLs are links the reader may click, nothing the page loads.
public enum HTMLPage {
    /// The page's Content-Security-Policy.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src '\(PageScript.sha256)'; img-src data:; "
        + "base-uri 'none'; form-action 'none'"

    /// The page for `layout`, titled `options.title`.
    public static func html(_ layout: TimelineLayout, options: TimelineOptions) -> String {
        let title = Markup.escaped(options.title)
        let total = layout.items.count + layout.undated.count + layout.outside.count
        var s = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <meta name="referrer" content="no-referrer">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>\(PageStyle.css)</style>
            </head>
            <body>
            <main id="timeline" data-records="\(total)" data-placed="\(layout.items.count)" data-undated="\(layout.undated.count)" \
            data-outside="\(layout.outside.count)" data-drawn="0">
            <h1>\(title)</h1>

            """
        s += "<p class=\"summary\">\(summary(layout, total: total))</p>\n"
        s += """
            <div class="controls" role="group" aria-label="Years shown">
            <label>From <input id="from-year" type="number" min="1" max="9999" value="\(layout.scale.fromYear)"></label>
            <label>to <input id="to-year" type="number" min="1" max="9999" value="\(layout.scale.toYear)"></label>
            <button type="button" id="all-years">All years</button>
            <span class="hint">Hover over a record, or reach it with Tab, for its details; Enter shows its row below.</span>
            </div>

            """
        s += "<div class=\"picture\">\n" + SVGRenderer.svg(layout, title: options.title, standalone: false) + "</div>\n"
        s += """
            <aside id="details" aria-live="polite"><p>Details of the record under the pointer or in focus show here.</p>
            <table><tbody></tbody></table></aside>

            """
        if !layout.items.isEmpty {
            s += "<section id=\"records\">\n<h2>On the timeline (\(layout.items.count))</h2>\n"
            s += table(layout.items.sorted { ($0.t0, $0.t1, $0.id) < ($1.t0, $1.t1, $1.id) }.map(\.record), ids: false)
            s += "</section>\n"
        }
        if !layout.undated.isEmpty {
            s += "<section id=\"undated\">\n<h2>Date unknown (\(layout.undated.count))</h2>\n"
            s += "<p>These records have no date, so they are not on the picture.</p>\n"
            s += table(layout.undated, ids: true)
            s += "</section>\n"
        }
        if !layout.outside.isEmpty {
            s += "<section id=\"outside\">\n<h2>Outside \(layout.scale.fromYear)–\(layout.scale.toYear) (\(layout.outside.count))</h2>\n"
            s += table(layout.outside, ids: true)
            s += "</section>\n"
        }
        s += "<footer><p>Written by <code>relctl timeline</code>. This page is self-contained: it loads nothing "
        s += "from anywhere, and links open only when clicked.</p></footer>\n</main>\n"
        s += "<script>\(PageScript.source)</script>\n</body>\n</html>\n"
        return s
    }

    /// One sentence: how many records, over which years, and where the others are.
    static func summary(_ layout: TimelineLayout, total: Int) -> String {
        var s = "\(total) record\(total == 1 ? "" : "s")"
        if !layout.items.isEmpty { s += ", \(layout.items.count) drawn over \(layout.scale.fromYear)–\(layout.scale.toYear)" }
        if !layout.undated.isEmpty { s += "; \(layout.undated.count) with an unknown date listed below" }
        if !layout.outside.isEmpty { s += "; \(layout.outside.count) outside those years listed below" }
        return s + "."
    }

    /// A table of records: date, category, claim, title with parties, source. When `ids`, each
    /// row is the record's own element (it is on no picture) and takes focus.
    static func table(_ records: [Record], ids: Bool) -> String {
        var s = "<table>\n<thead><tr><th>Date</th><th>Category</th><th>Claim</th><th>Record</th><th>Source</th></tr></thead>\n<tbody>\n"
        for r in records {
            let label = Markup.escaped(RecordWords.label(r))
            s += "<tr id=\"\(Markup.rowID(r.id))\""
            if ids {
                // The row is the record's element: `rec-ID` on an inner element, so that the row id
                // the picture's script looks for stays the same.
                s += ">"
                s += "<td><span id=\"\(Markup.elementID(r.id))\" class=\"record-cell\" tabindex=\"0\" role=\"note\" "
                s += "aria-label=\"\(label)\" title=\"\(label)\">\(Markup.escaped(RecordWords.date(r.date)))</span></td>"
            } else {
                s += "><td>\(Markup.escaped(RecordWords.date(r.date)))</td>"
            }
            s += "<td>\(Markup.escaped(r.category))</td>"
            s += "<td class=\"claim \(Markup.escaped(r.claimStatus))\">\(Markup.escaped(r.claimStatus)) \(r.kind.rawValue)</td>"
            s += "<td><bdi class=\"title\">\(Markup.escaped(r.title))</bdi><br>"
            s += "<span class=\"parties\">\(Markup.escaped(RecordWords.parties(r)))</span> · <code>\(Markup.escaped(r.id))</code></td>"
            s += "<td>\(source(r))</td></tr>\n"
        }
        return s + "</tbody>\n</table>\n"
    }

    /// The source: a link when its URL is http(s), else its title or URL as text.
    static func source(_ r: Record) -> String {
        let title = RecordWords.sourceTitle(r)
        let url = RecordWords.sourceURL(r)
        if let url, let link = Markup.linkableURL(url) {
            return "<a href=\"\(Markup.escaped(link))\" rel=\"noreferrer noopener\"><bdi>\(Markup.escaped(title ?? url))</bdi></a>"
        }
        let words = [title, url].compactMap { $0 }.joined(separator: " ")
        return words.isEmpty ? "—" : "<bdi>\(Markup.escaped(words))</bdi>"
    }
}
