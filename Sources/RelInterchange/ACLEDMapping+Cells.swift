import RelModel

extension ACLEDMapping {
    /// The cells a record gives: the inverse of ``record(from:)`` for every column a field holds.
    /// Columns no field holds (`inter1`, `timestamp`, ...) are left out.
    public func cells(from record: JSONValue) -> [String: String] {
        var c: [String: String] = [:]
        let id = record["id"]?.stringValue ?? ""
        c["event_id_cnty"] = id.hasPrefix(Self.idPrefix) ? String(id.dropFirst(Self.idPrefix.count)) : id
        let (day, precision) = Self.eventDate(record["date"].flatMap(DateSpec.init(json:)) ?? .unknown)
        c["event_date"] = day?.description ?? ""
        c["year"] = day.map { String($0.year) } ?? ""
        c["time_precision"] = precision
        c["event_type"] = record["codes"]?["acled_event_type"]?.stringValue ?? ""
        c["sub_event_type"] = record["codes"]?["acled_sub_event_type"]?.stringValue ?? ""
        var groups = [[String](), [String]()]
        var names = ["", ""]
        for actor in record["actors"]?.arrayValue ?? [] {
            let name = actor["name"]?.stringValue ?? ""
            switch actor["role"]?.stringValue {
            case "source" where names[0].isEmpty: names[0] = name
            case "target" where names[1].isEmpty: names[1] = name
            case "associated": groups[names[1].isEmpty ? 0 : 1].append(name)
            default: break
            }
        }
        c["actor1"] = names[0]
        c["actor2"] = names[1]
        c["assoc_actor_1"] = groups[0].joined(separator: "; ")
        c["assoc_actor_2"] = groups[1].joined(separator: "; ")
        let place = record["location"]
        let code = place?["country"]?.stringValue
        c["iso"] = code.flatMap { CountryNames.numericByCode[$0] }.map(String.init) ?? ""
        c["country"] = code.flatMap { CountryNames.displayName[$0] } ?? ""
        c["admin1"] = place?["admin1"]?.stringValue ?? ""
        c["location"] = place?["name"]?.stringValue ?? ""
        c["latitude"] = Cells.number(place?["latitude"])
        c["longitude"] = Cells.number(place?["longitude"])
        c["geo_precision"] = Cells.number(place?["geo_precision"])
        c["source"] = record["source"]?["title"]?.stringValue ?? ""
        c["notes"] = KeptColumns.split(record["notes"]?.stringValue ?? "", dataset: "ACLED").notes
        c["fatalities"] = Cells.number(record["fatalities"])
        c["tags"] = (record["tags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "; ")
        return c
    }

    /// The day and `time_precision` a date gives back: an instant day (1), a window of seven
    /// days (2, its middle day) or an instant month (3, its first day).
    static func eventDate(_ date: DateSpec) -> (PartialDate?, String) {
        guard let start = date.start else { return (nil, "") }
        switch (date.type, start.precision) {
        case (.instant, .day): return (start, "1")
        case (.instant, .month): return (PartialDate(year: start.year, month: start.month, day: 1), "3")
        case (.window, .day):
            guard let end = date.end, end.precision == .day else { break }
            let a = Cells.dayNumber(start)
            guard Cells.dayNumber(end) - a == 6 else { break }
            return (Cells.date(dayNumber: a + 3), "2")
        default: break
        }
        return (nil, "")
    }
}
