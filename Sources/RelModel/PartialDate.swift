/// A calendar date known to a year, a month or a day: `"2023"`, `"2023-02"` or `"2023-02-07"`.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1...9999.
    public var year: Int
    /// The month, 1...12, if known.
    public var month: Int?
    /// The day of the month, if known (only with a month).
    public var day: Int?

    /// The granularity of this date.
    public var precision: DatePrecision {
        day != nil ? .day : (month != nil ? .month : .year)
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the date exists.
    public init(parsing text: String) throws(DateError) {
        // A span read as one date would blame its year; say what it is instead.
        let slashParts = text.split(separator: "/", omittingEmptySubsequences: false)
        if text.contains("..") || (slashParts.count == 2 && slashParts[1].count >= 4) {
            throw DateError("a span (such as 1960/1991, 2022/.. or 1960..1961) is not a single date; give YYYY, YYYY-MM or YYYY-MM-DD")
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) }) else {
            throw DateError("expected YYYY, YYYY-MM or YYYY-MM-DD")
        }
        guard parts[0].count == 4, let y = Int(parts[0]), parts[0].allSatisfy(\.isNumber) else {
            throw DateError("year must be four digits (0001-9999)")
        }
        guard y >= 1 else { throw DateError("year must be 0001-9999") }
        year = y
        if parts.count >= 2 {
            guard parts[1].count == 2, let m = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else {
                throw DateError("month must be two digits (01-12)")
            }
            guard (1...12).contains(m) else { throw DateError("month must be 01-12") }
            month = m
        }
        if parts.count == 3 {
            guard parts[2].count == 2, let d = Int(parts[2]), parts[2].allSatisfy(\.isNumber) else {
                throw DateError("day must be two digits (01-31)")
            }
            let last = Self.daysIn(month: month!, year: y)
            guard (1...last).contains(d) else {
                throw DateError("day must be 01-\(last) for \(Self.pad(y, 4))-\(Self.pad(month!, 2))")
            }
            day = d
        }
    }

    /// Creates a date from its parts; the caller guarantees they are valid.
    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The text form, `YYYY[-MM[-DD]]`.
    public var description: String {
        var s = Self.pad(year, 4)
        if let month { s += "-" + Self.pad(month, 2) }
        if let day { s += "-" + Self.pad(day, 2) }
        return s
    }

    /// The first day this date can mean, as `YYYY-MM-DD` (sorts as text).
    public var earliest: String {
        "\(Self.pad(year, 4))-\(Self.pad(month ?? 1, 2))-\(Self.pad(day ?? 1, 2))"
    }

    /// The last day this date can mean, as `YYYY-MM-DD`.
    public var latest: String {
        let m = month ?? 12
        return "\(Self.pad(year, 4))-\(Self.pad(m, 2))-\(Self.pad(day ?? Self.daysIn(month: m, year: year), 2))"
    }

    /// Orders by earliest possible day, then coarser before finer (`2023` before `2023-01`).
    public static func < (a: PartialDate, b: PartialDate) -> Bool {
        a.earliest != b.earliest ? a.earliest < b.earliest : a.latest > b.latest
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Why a date was refused, in words for the person who typed it.
public struct DateError: Error, Sendable, Equatable {
    /// The reason, e.g. "month must be 01-12".
    public var reason: String
    /// Creates an error with a reason.
    public init(_ reason: String) { self.reason = reason }
}

/// How fine a date's bounds are.
public enum DatePrecision: String, Sendable, CaseIterable, Comparable {
    case year, month, day, unknown

    private var rank: Int {
        switch self {
        case .unknown: 0
        case .year: 1
        case .month: 2
        case .day: 3
        }
    }

    /// Coarser sorts first.
    public static func < (a: DatePrecision, b: DatePrecision) -> Bool { a.rank < b.rank }
}
