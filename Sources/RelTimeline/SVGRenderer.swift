import RelModel

/// Draws a ``TimelineLayout`` as SVG: lanes, year axis, one focusable element per record, and
/// the legend. Colours and patterns are attributes, not CSS, so that the picture looks the same
/// in a page, alone in a browser, or pasted into a report.
public enum SVGRenderer {
    /// A colour per category, told apart also by people who do not see red and green apart
    /// (Okabe and Ito's palette).
    static let colours: [String: String] = [
        "diplomatic": "#0072B2", "military": "#D55E00", "security": "#CC79A7", "economic": "#009E73",
        "energy": "#E69F00", "mining": "#56B4E9", "agriculture": "#7A6A00", "political": "#555555",
    ]

    /// The colour of a category's lane.
    public static func colour(of category: String) -> String { colours[category] ?? "#777777" }

    /// The picture. `standalone` adds a visible title, for a file on its own; in a page the
    /// heading is the page's.
    public static func svg(_ layout: TimelineLayout, title: String, standalone: Bool) -> String {
        typealias G = TimelineLayout.Geometry
        let n = Markup.number
        let scale = layout.scale
        let bottom = layout.lanes.last.map { $0.top + $0.height } ?? G.top
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 \(n(layout.width)) \(n(layout.height))" \
            width="\(n(layout.width))" height="\(n(layout.height))" role="group" aria-labelledby="timeline-title" \
            font-family="sans-serif" font-size="12" data-from="\(scale.fromYear)" data-to="\(scale.toYear)" \
            data-left="\(n(scale.left))" data-plot-width="\(n(scale.width))" data-axis-top="\(n(G.top))" data-axis-bottom="\(n(bottom))">

            """
        s += "<title id=\"timeline-title\">\(Markup.escaped(title))</title>\n"
        s += "<defs>\n"
        for (i, lane) in layout.lanes.enumerated() { s += hatch(id: "hatch-\(i)", colour: colour(of: lane.category)) }
        s += hatch(id: "hatch-legend", colour: "#555555")
        s += "</defs>\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        if standalone {
            s += "<text x=\"\(n(G.left))\" y=\"20\" font-size=\"16\" font-weight=\"bold\">\(Markup.escaped(title))</text>\n"
        }
        for (i, lane) in layout.lanes.enumerated() {
            s += "<rect class=\"lane\" x=\"0\" y=\"\(n(lane.top))\" width=\"\(n(layout.width))\" height=\"\(n(lane.height))\" "
            s += "fill=\"\(i % 2 == 0 ? "#f4f4f4" : "#ffffff")\"/>\n"
            s += "<text class=\"lane-name\" x=\"\(n(G.left - 10))\" y=\"\(n(lane.top + lane.height / 2 + 4))\" text-anchor=\"end\" "
            s += "fill=\"\(colour(of: lane.category))\" font-weight=\"bold\">\(Markup.escaped(lane.category))</text>\n"
        }
        s += "<g class=\"axis\" stroke=\"#cccccc\" fill=\"#333333\">\n"
        for year in scale.tickYears {
            let x = n(scale.x(Double(year)))
            s += "<line x1=\"\(x)\" y1=\"\(n(G.top - 12))\" x2=\"\(x)\" y2=\"\(n(bottom))\"/>"
            s += "<text x=\"\(x)\" y=\"\(n(G.top - 18))\" text-anchor=\"middle\" stroke=\"none\">\(year)</text>\n"
        }
        s += "</g>\n"
        s += "<g class=\"records\" role=\"list\" aria-label=\"Records, by category and date\">\n"
        for item in layout.items { s += record(item) }
        s += "</g>\n"
        s += SVGLegend.svg(top: layout.legendTop, left: G.left)
        s += "</svg>\n"
        return s
    }

    /// One record: a group with its id, accessible name and tooltip, holding its shape.
    static func record(_ item: TimelineItem) -> String {
        typealias G = TimelineLayout.Geometry
        let n = Markup.number
        let r = item.record
        let colour = colour(of: r.category)
        let label = Markup.escaped(RecordWords.label(r))
        var classes = ["record", item.shape.rawValue, r.kind.rawValue, Markup.escaped(r.claimStatus)]
        if item.uncertain { classes.append("uncertain") }
        if item.openEnd { classes.append("open-end") }
        var s = "<g id=\"\(Markup.elementID(r.id))\" class=\"\(classes.joined(separator: " "))\" role=\"listitem\" tabindex=\"0\" "
        s += "aria-label=\"\(label)\" data-t0=\"\(Markup.time(item.t0))\" data-t1=\"\(Markup.time(item.t1))\" "
        s += "data-y=\"\(n(item.y))\">"
        s += "<title>\(label)</title>"
        let fill =
            switch r.claimStatus {
            case "alleged": "#ffffff"
            case "disputed": "url(#hatch-\(item.lane))"
            default: colour
            }
        var style = "fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"\(r.claimStatus == "reported" ? "1" : "2")\""
        if item.uncertain { style += " fill-opacity=\"0.45\" stroke-dasharray=\"4 2\"" }
        let y = item.y
        switch item.shape {
        case .mark:
            // The whisker shows the time a coarse date can mean; the page's script shows or hides
            // it as the years shown change, so it is always there.
            s += "<line class=\"whisker\" x1=\"\(n(item.x0))\" y1=\"\(n(y))\" x2=\"\(n(item.x1))\" y2=\"\(n(y))\" "
            s += "stroke=\"\(colour)\" stroke-opacity=\"0.5\" stroke-width=\"1.5\"\(shown(item.x1 - item.x0 > 2 * G.markRadius))/>"
            s += "<circle class=\"shape\" cx=\"\(n(item.x))\" cy=\"\(n(y))\" r=\"\(n(G.markRadius))\" \(style)/>"
        case .span:
            let height = r.kind == .agreement ? G.spanHeight : G.spanHeight * 2 / 3
            s += "<rect class=\"shape\" x=\"\(n(item.x0))\" y=\"\(n(y - height / 2))\" width=\"\(n(item.x1 - item.x0))\" "
            s += "height=\"\(n(height))\" rx=\"\(r.kind == .agreement ? "1" : n(height / 2))\" \(style)/>"
            // Chevrons: the date goes on past the right edge or to the present, or began before
            // the left edge.
            s += "<path class=\"go-on\" d=\"M3 -5 L8 0 L3 5\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
            s += "transform=\"translate(\(n(item.x1)) \(n(y)))\"\(shown(item.openEnd || item.clippedEnd))/>"
            s += "<path class=\"came-from\" d=\"M-3 -5 L-8 0 L-3 5\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
            s += "transform=\"translate(\(n(item.x0)) \(n(y)))\"\(shown(item.clippedStart))/>"
        }
        s += "</g>\n"
        return s
    }

    /// Nothing when `visible`, else the attribute that hides an element.
    static func shown(_ visible: Bool) -> String { visible ? "" : " visibility=\"hidden\"" }

    /// Diagonal stripes in `colour` on white: the fill of a disputed claim.
    static func hatch(id: String, colour: String) -> String {
        """
        <pattern id="\(id)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="\(colour)" stroke-width="3"/></pattern>

        """
    }
}
