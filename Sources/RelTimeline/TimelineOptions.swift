/// What a timeline shows besides the records: its title, the years on its axis, and its size.
public struct TimelineOptions: Sendable, Equatable {
    /// The default title.
    public static let defaultTitle = "reld ledger"

    /// The title of the page and of the picture.
    public var title: String
    /// The first year on the axis; `nil` starts at the earliest dated record.
    public var fromYear: Int?
    /// The last year on the axis; `nil` ends at the latest date any record names (or
    /// `presentYear`, when a record runs on to the present).
    public var toYear: Int?
    /// The current year, where spans with an open end stop; `nil` stops them at the latest year
    /// any record names. Passed in rather than read from the clock, so that a page is a pure
    /// function of its input.
    public var presentYear: Int?
    /// The picture's width in SVG units (the page scales it to the window).
    public var width: Double

    /// Creates options; every part has a default.
    public init(
        title: String = TimelineOptions.defaultTitle, fromYear: Int? = nil, toYear: Int? = nil, presentYear: Int? = nil,
        width: Double = 1200
    ) {
        self.title = title
        self.fromYear = fromYear
        self.toYear = toYear
        self.presentYear = presentYear
        self.width = width
    }
}
