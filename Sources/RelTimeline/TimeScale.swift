/// Maps time to the horizontal axis: time runs left to right, linearly, over whole years.
///
/// Time is counted in fractional years (`2023.5` is about the start of July 2023), so that the
/// page's script can redraw the same picture for another year range from the numbers written
/// into it, with the same formula.
public struct TimeScale: Sendable, Equatable {
    /// The first year shown, from its first day.
    public var fromYear: Int
    /// The last year shown, to its last day.
    public var toYear: Int
    /// Where the first day of `fromYear` is drawn, in SVG units.
    public var left: Double
    /// How wide the years shown are drawn, in SVG units.
    public var width: Double

    /// Creates a scale; `toYear` is raised to `fromYear` if it is below.
    public init(fromYear: Int, toYear: Int, left: Double, width: Double) {
        self.fromYear = fromYear
        self.toYear = max(fromYear, toYear)
        self.left = left
        self.width = width
    }

    /// The start of the time shown, in fractional years.
    public var start: Double { Double(fromYear) }
    /// The end of the time shown (the end of `toYear`), in fractional years.
    public var end: Double { Double(toYear + 1) }

    /// The x of time `t`, in fractional years.
    public func x(_ t: Double) -> Double {
        left + (t - start) / (end - start) * width
    }

    /// The years that get a tick and a label: every year when few are shown, else every 2nd,
    /// 5th, 10th... so that at most about a dozen labels share the axis.
    public var tickYears: [Int] {
        let span = toYear + 1 - fromYear
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].first { span / $0 <= 12 } ?? 10_000
        let first = (fromYear + step - 1) / step * step
        return Array(stride(from: first, through: toYear + 1, by: step))
    }

    /// The first moment of a day written `YYYY-MM-DD`, in fractional years; `nil` if the text is
    /// not such a day.
    public static func yearFraction(ofDay day: String) -> Double? {
        let parts = day.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let dayOfYear = monthDays[..<(m - 1)].reduce(0, +) + d - 1
        return Double(y) + Double(dayOfYear) / Double(leap ? 366 : 365)
    }

    /// The end of a day written `YYYY-MM-DD` (the first moment of the next), in fractional years.
    public static func yearFraction(afterDay day: String) -> Double? {
        guard let t = yearFraction(ofDay: day), let y = Int(day.prefix(4)) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return t + 1 / Double(leap ? 366 : 365)
    }
}
