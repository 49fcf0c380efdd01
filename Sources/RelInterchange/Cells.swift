import Foundation
import OrderedCollections
import RelModel

/// Reading and writing the values of single cells: numbers, dates and lists as datasets write them.
enum Cells {
    /// The cell without outer spaces (Unicode's too).
    static func trimmed(_ s: String) -> String {
        // Most cells have none: a look at the first and last bytes spares Foundation's trim.
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x80 }
        if plain(first), plain(last) { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// Line ends as records keep them (LF): a record's text refuses carriage returns.
    static func text(_ s: String) -> String {
        guard s.utf8.contains(0x0D) else { return s }
        return s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// A whole number, or `nil` for an empty cell.
    static func integer(_ row: CSVRow, _ column: String, in range: ClosedRange<Int64>) throws(CellError) -> Int64? {
        let s = trimmed(row[column])
        guard !s.isEmpty else { return nil }
        guard let n = Int64(s) ?? Double(s).flatMap({ $0 == $0.rounded() && abs($0) < 1e15 ? Int64($0) : nil }) else {
            throw CellError(column: column, value: row[column], reason: "must be a whole number")
        }
        guard range.contains(n) else {
            throw CellError(column: column, value: row[column], reason: "must be \(range.lowerBound)-\(range.upperBound)")
        }
        return n
    }

    /// A decimal number, or `nil` for an empty cell.
    /// A record's `location`: `name`, `country`, the admin area in `admin1Column`, and the
    /// `latitude`/`longitude` cells (both or neither) with the precision `precision` reads.
    static func place(
        _ row: CSVRow, name: String, country: String?, admin1Column: String,
        precision: (CSVRow) throws(CellError) -> Int64?
    ) throws(CellError) -> JSONValue {
        let latitude = try number(row, "latitude", in: -90...90)
        let longitude = try number(row, "longitude", in: -180...180)
        if (latitude == nil) != (longitude == nil) {
            let missing = latitude == nil ? "latitude" : "longitude"
            throw CellError(column: missing, value: row[missing], reason: "latitude and longitude are given together or not at all")
        }
        let admin1 = trimmed(text(row[admin1Column]))
        var place: OrderedDictionary<String, JSONValue> = [
            "name": .string(name), "country": country.map(JSONValue.string) ?? .null,
            "admin1": admin1.isEmpty ? .null : .string(admin1),
        ]
        if let latitude, let longitude {
            place["latitude"] = .double(latitude)
            place["longitude"] = .double(longitude)
            place["geo_precision"] = try precision(row).map(JSONValue.int) ?? .null
        }
        return .object(place)
    }

    static func number(_ row: CSVRow, _ column: String, in range: ClosedRange<Double>) throws(CellError) -> Double? {
        let s = trimmed(row[column])
        guard !s.isEmpty else { return nil }
        guard let d = Double(s), d.isFinite else {
            throw CellError(column: column, value: row[column], reason: "must be a decimal number such as 12.6392")
        }
        guard range.contains(d) else {
            throw CellError(column: column, value: row[column], reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return d
    }

    /// A day written `yyyy-mm-dd` (a time after it is ignored, as UCDP writes `2017-07-28 00:00:00.000`),
    /// `dd-mm-yyyy`, `dd/mm/yyyy` or `15 January 2023`.
    static func day(_ row: CSVRow, _ column: String) throws(CellError) -> PartialDate {
        let raw = row[column]
        var s = trimmed(raw)
        if s.count > 10, let space = s.firstIndex(where: { $0 == " " || $0 == "T" }), s.distance(from: s.startIndex, to: space) == 10 {
            s = String(s[..<space])
        }
        let iso: String
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == " " }).map(String.init)
        if parts.count == 3, parts[0].count == 4 {
            iso = "\(parts[0])-\(parts[1])-\(parts[2])"
        } else if parts.count == 3, parts[2].count == 4, let month = monthNumber(parts[1]) {
            iso = "\(parts[2])-\(month)-\(parts[0].count == 1 ? "0" + parts[0] : parts[0])"
        } else {
            throw CellError(column: column, value: raw, reason: "expected a date such as 2023-02-07, 07-02-2023 or 7 February 2023")
        }
        let date: PartialDate
        do { date = try PartialDate(parsing: iso) } catch { throw CellError(column: column, value: raw, reason: error.reason) }
        guard date.day != nil else { throw CellError(column: column, value: raw, reason: "expected a day, such as 2023-02-07") }
        return date
    }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ]

    /// `02`, `2`, `February` or `Feb` as two digits; `nil` for anything else.
    private static func monthNumber(_ s: String) -> String? {
        if s.allSatisfy(\.isNumber) { return s.count == 1 ? "0" + s : s }
        let lower = s.lowercased()
        guard lower.count >= 3, let i = months.firstIndex(where: { $0.hasPrefix(lower) }) else { return nil }
        return i < 9 ? "0\(i + 1)" : "\(i + 1)"
    }

    /// Items of a list cell split on `;`, trimmed, empty ones and repeats left out.
    static func list(_ s: String) -> [String] {
        var seen = Set<String>()
        return s.split(separator: ";").map { trimmed(String($0)) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// A number as a cell: whole numbers without a fraction, others in the shortest exact form.
    static func number(_ value: JSONValue?) -> String {
        switch value {
        case .int(let i)?: String(i)
        case .double(let d)? where d == d.rounded() && abs(d) < 1e15: String(Int64(d))
        case .double(let d)?: "\(d)"
        default: ""
        }
    }

    /// Days since 1970-01-01 of a day-precision date (proleptic Gregorian calendar).
    static func dayNumber(_ d: PartialDate) -> Int {
        let m = d.month ?? 1
        let y = d.year - (m <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + (d.day ?? 1) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The day `n` days after 1970-01-01.
    static func date(dayNumber n: Int) -> PartialDate {
        let z = n + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return PartialDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}
