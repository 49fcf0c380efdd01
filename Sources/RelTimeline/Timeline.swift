import RelModel

/// A timeline of records: an HTML page or an SVG picture, built from records alone (no I/O).
///
/// ```swift
/// let timeline = Timeline(records, options: TimelineOptions(title: "Mali and Russia"))
/// let page = timeline.html   // one self-contained page
/// ```
public struct Timeline: Sendable {
    /// Where everything goes.
    public let layout: TimelineLayout
    /// The title, years and size asked for.
    public let options: TimelineOptions

    /// Lays out `records` for `options`.
    public init(_ records: [Record], options: TimelineOptions = TimelineOptions()) {
        layout = TimelineLayout(records, options: options)
        self.options = options
    }

    /// The self-contained HTML page.
    public var html: String { HTMLPage.html(layout, options: options) }

    /// The picture alone, as an SVG document for a report.
    public var svg: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + SVGRenderer.svg(layout, title: options.title, standalone: true)
    }

    /// How many records are drawn on the picture.
    public var drawn: Int { layout.items.count }
    /// How many records have an unknown date (listed under the picture, not drawn).
    public var undated: Int { layout.undated.count }
    /// How many records are dated wholly outside the years shown (listed, not drawn).
    public var outside: Int { layout.outside.count }
}
