import RelModel

extension UCDPMapping {
    /// The GED cells a record gives: the inverse of ``record(from:)`` for every column a field
    /// holds. Columns no field holds (`relid`, `type_of_violence`, the names and ids of the
    /// conflict and dyad, `low`, `high`, ...) are left out; import keeps them.
    ///
    /// A record that never was a GED row gets what its fields say: its whole id, its first two
    /// participants as the sides (else its source and its target), and its date as GED writes
    /// one, a first and a last day with `date_prec` for the span between them.
    public func cells(from record: JSONValue) -> [String: String] {
        var c: [String: String] = [:]
        let id = record["id"]?.stringValue ?? ""
        c["id"] = id.hasPrefix(Self.idPrefix) ? String(id.dropFirst(Self.idPrefix.count)) : id
        let (sideA, sideB) = Self.sides(record["actors"]?.arrayValue ?? [])
        c["side_a"] = sideA
        c["side_b"] = sideB
        let place = record["location"]
        c["where_coordinates"] = place?["name"]?.stringValue ?? ""
        c["adm_1"] = place?["admin1"]?.stringValue ?? ""
        c["latitude"] = Cells.number(place?["latitude"])
        c["longitude"] = Cells.number(place?["longitude"])
        c["where_prec"] = Cells.number(place?["geo_precision"])
        c["country"] = place?["country"]?.stringValue.flatMap { CountryNames.displayName[$0] } ?? ""
        c["source_article"] = record["source"]?["title"]?.stringValue ?? ""
        c["best"] = Cells.number(record["fatalities"])
        if let days = Self.days(record["date"].flatMap(DateSpec.init(json:)) ?? .unknown) {
            c["year"] = String(days.first.year)
            c["date_start"] = days.first.description
            c["date_end"] = days.last.description
            c["date_prec"] = days.precision
        } else {
            c["year"] = ""
            c["date_start"] = ""
            c["date_end"] = ""
            c["date_prec"] = ""
        }
        return c
    }

    /// `side_a` and `side_b`: the first two actors in the role `participant`, as import makes
    /// them; for a record with none, its first `source` and first `target` (ACLED's actor1 and
    /// actor2 among them).
    static func sides(_ actors: [JSONValue]) -> (String, String) {
        func names(_ role: String) -> [String] {
            actors.filter { $0["role"]?.stringValue == role }.compactMap { $0["name"]?.stringValue }
        }
        let participants = names("participant")
        if !participants.isEmpty { return (participants[0], participants.dropFirst().first ?? "") }
        return (names("source").first ?? "", names("target").first ?? "")
    }

    /// The first and last day a date can mean and GED's `date_prec` for them: 1 one day known
    /// exactly, 2 one approximate day or a span of 2-6 days, 3 a week, 4 8-31 days (a month),
    /// 5 longer. `nil` for an unknown date or an open end, which GED cannot write.
    static func days(_ date: DateSpec) -> (first: PartialDate, last: PartialDate, precision: String)? {
        guard let start = date.start else { return nil }
        let end: PartialDate
        switch date.type {
        case .instant: end = start
        case .interval, .window:
            guard let given = date.end else { return nil }
            end = given
        case .unknown: return nil
        }
        guard let first = try? PartialDate(parsing: start.earliest), let last = try? PartialDate(parsing: end.latest) else {
            return nil
        }
        let span = Cells.dayNumber(last) - Cells.dayNumber(first) + 1
        let precision =
            switch span {
            case ...1: date.approximate ? "2" : "1"
            case 2...6: "2"
            case 7: "3"
            case 8...31: "4"
            default: "5"
            }
        return (first, last, precision)
    }
}
