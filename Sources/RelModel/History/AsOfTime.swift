/// A moment to rebuild a record at (`show --as-of`): the end of the period that an RFC 3339
/// time or a date names, to the precision it is written with, so that changes made within it
/// count: `12:00:05Z` is 12:00:05.999, `12:00Z` 12:00:59.999, `.250` exactly that millisecond,
/// `2026-11-30` the end of that day (month, year) in UTC.
public struct AsOfTime: Sendable, Hashable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z; changes stamped at or before it count.
    public var millis: Int64
    /// The text it was read from.
    public var text: String

    /// Reads `2026-11-30T12:00:00Z`, `2026-11-30T13:00:00.250+01:00`, `2026-11-30`, `2026-11` or
    /// `2026`; the error says which part is wrong.
    public init(parsing text: String) throws(DateError) {
        self.text = text
        let separator = text.firstIndex { $0 == "T" || $0 == "t" || $0 == " " }
        let datePart = separator.map { String(text[..<$0]) } ?? text
        let date = try PartialDate(parsing: datePart)
        guard let separator else {
            let end = PartialDate(
                year: date.year, month: date.month ?? 12,
                day: date.day ?? PartialDate.daysIn(month: date.month ?? 12, year: date.year))
            millis = (Self.days(end) + 1) * 86_400_000 - 1
            return
        }
        guard date.day != nil else { throw DateError("a time needs a full date before it: YYYY-MM-DDTHH:MM:SSZ") }
        var rest = Substring(text[text.index(after: separator)...])
        let offset: Int64
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            offset = 0
            rest = rest.dropLast()
        } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: signIndex)...]
            guard zone.count == 5, zone[zone.index(zone.startIndex, offsetBy: 2)] == ":",
                zone.prefix(2).allSatisfy({ $0.isASCII && $0.isNumber }), zone.suffix(2).allSatisfy({ $0.isASCII && $0.isNumber }),
                let h = Int(zone.prefix(2)), let m = Int(zone.suffix(2)), h <= 23, m <= 59
            else { throw DateError("the offset must be +HH:MM or -HH:MM") }
            offset = (rest[signIndex] == "+" ? 1 : -1) * Int64(h * 60 + m) * 60_000
            rest = rest[..<signIndex]
        } else {
            throw DateError("a time needs its zone: add Z for UTC or an offset such as +02:00")
        }
        let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count) else { throw DateError("the time must be HH:MM or HH:MM:SS") }
        func number(_ s: Substring, _ range: ClosedRange<Int>, _ what: String) throws(DateError) -> Int {
            guard s.count == 2, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s), range.contains(n) else {
                throw DateError("\(what) must be two digits \(String(format2: range.lowerBound))-\(String(format2: range.upperBound))")
            }
            return n
        }
        let hour = try number(clock[0], 0...23, "the hour")
        let minute = try number(clock[1], 0...59, "the minute")
        var second = 0
        var fraction: Int64 = 0
        // What the written precision leaves open: the rest of the minute, second or fraction.
        var unwritten: Int64 = clock.count == 3 ? 999 : 59_999
        if clock.count == 3 {
            let parts = clock[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            second = try number(parts[0], 0...60, "the second")
            if parts.count == 2 {
                let digits = parts[1]
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw DateError("the fraction of a second must be 1-9 digits")
                }
                fraction = Int64(String(digits.prefix(3)).padding(toLength: 3))!
                unwritten = [99, 9, 0][min(digits.count, 3) - 1]
            }
        }
        let seconds = Self.days(date) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        millis = seconds * 1000 + fraction + unwritten - offset
    }

    /// The text as given.
    public var description: String { text }

    /// Days from 1970-01-01 to `date` (a full date), by the proleptic Gregorian calendar.
    static func days(_ date: PartialDate) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let m = Int64(date.month ?? 1)
        let y = Int64(date.year) - (m <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(date.day ?? 1) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension String {
    fileprivate init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }

    fileprivate func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: "0", count: n - count) }
}
