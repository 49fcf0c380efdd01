import RelModel

/// One record placed on the picture: its lane and row, its time and where it is drawn.
public struct TimelineItem: Sendable, Equatable {
    /// How a record is drawn.
    public enum Shape: String, Sendable {
        /// A dot at one moment: an event with a single date.
        case mark
        /// A bar from start to end: an agreement, or anything dated by an interval or a window.
        case span
    }

    /// The record drawn.
    public var record: Record
    /// The index of its lane (its category) in ``TimelineLayout/lanes``.
    public var lane: Int
    /// Its row within the lane, from the top: records that would overlap go on separate rows.
    public var row: Int
    /// Mark or span.
    public var shape: Shape
    /// Where its date starts, in fractional years.
    public var t0: Double
    /// Where its date ends (exclusive), in fractional years; an open end runs to the present.
    public var t1: Double
    /// The left end drawn, in SVG units: the span's start, or the mark's precision whisker's
    /// (a date known only to the year is a dot at mid-year with a line across the year).
    public var x0: Double
    /// The right end drawn, in SVG units.
    public var x1: Double
    /// The mark's centre, in SVG units: the middle of the time its date can mean (for a span,
    /// its left end).
    public var x: Double
    /// The centre of its row, in SVG units.
    public var y: Double
    /// Whether the date is an uncertain window or approximate: drawn faded and dashed.
    public var uncertain: Bool
    /// Whether the date has no end (an interval still running): drawn fading out to the right.
    public var openEnd: Bool
    /// Whether the date starts before the years shown (the span is cut at the left edge).
    public var clippedStart: Bool
    /// Whether the date ends after the years shown (the span is cut at the right edge).
    public var clippedEnd: Bool

    /// The record's id.
    public var id: String { record.id }
}

/// A band of the picture holding the records of one category.
public struct TimelineLane: Sendable, Equatable {
    /// The category, e.g. `military`.
    public var category: String
    /// Its top edge, in SVG units.
    public var top: Double
    /// Its height, in SVG units.
    public var height: Double
    /// How many rows its records take.
    public var rows: Int
}
