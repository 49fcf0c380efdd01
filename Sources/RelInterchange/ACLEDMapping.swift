import OrderedCollections
import RelModel

/// ACLED's standard export (31 columns) to records and back; docs/csv.md has the table.
///
/// Each row is an event with id `acled-` + `event_id_cnty`. Cells that no field holds, or that
/// a field holds differently (a `dd-mm-yyyy` date, a country's own spelling), are kept in the
/// record's notes (``KeptColumns``), so an export gives back the same row.
public struct ACLEDMapping: RowMapping {
    /// Creates the mapping.
    public init() {}

    /// The 31 columns of ACLED's standard export, in ACLED's order.
    public static let columns = [
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
        "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
        "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
        "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    ]

    /// The prefix of record ids made from `event_id_cnty`.
    public static let idPrefix = "acled-"

    /// ``columns``, the 31 of ACLED's standard export.
    public var columns: [String] { Self.columns }
    /// The id, the date and its precision, and the event type.
    public var requiredColumns: [String] { ["event_id_cnty", "event_date", "time_precision", "event_type"] }
    /// `ACLED`.
    public var dataset: String? { "ACLED" }

    /// The event a row describes.
    public func record(from row: CSVRow) throws(CellError) -> OrderedDictionary<String, JSONValue> {
        let eventID = Cells.trimmed(row["event_id_cnty"])
        guard RecordID.isValid(Self.idPrefix + eventID), !eventID.isEmpty else {
            throw CellError(
                column: "event_id_cnty", value: row["event_id_cnty"],
                reason: "must be 1-122 letters, digits, '.', '_', ':' or '-' (the record id is \(Self.idPrefix) and this)")
        }
        let eventType = Cells.trimmed(row["event_type"])
        let subEventType = Cells.trimmed(row["sub_event_type"])
        let knownType = Vocabulary.acledEventTypes.contains(eventType)
        let knownSubType = knownType && Vocabulary.acledSubEventTypes[eventType]?.contains(subEventType) == true
        let country = Self.countryCode(iso: row["iso"], name: row["country"])
        var r = OrderedDictionary<String, JSONValue>()
        r["id"] = .string(Self.idPrefix + eventID)
        r["kind"] = "event"
        r["title"] = .string(Self.title(row))
        r["category"] = .string(ACLEDCategories.category(eventType: eventType, subEventType: subEventType))
        r["tags"] = .array(Cells.list(row["tags"]).map(JSONValue.string))
        r["date"] = try Self.date(row)
        r["parties"] = .array(country.map { [JSONValue.string($0)] } ?? [])
        r["actors"] = .array(Self.actors(row))
        r["location"] = try Self.location(row, country: country)
        r["claim_status"] = "reported"
        r["codes"] = [
            "acled_event_type": knownType ? .string(eventType) : .null,
            "acled_sub_event_type": knownSubType ? .string(subEventType) : .null,
        ]
        let source = Cells.trimmed(Cells.text(row["source"]))
        r["source"] = source.isEmpty || source.count > 500 ? JSONValue.null : ["title": .string(source)]
        r["notes"] = .string(Cells.text(row["notes"]))
        r["fatalities"] = try Cells.integer(row, "fatalities", in: 0...100_000_000).map(JSONValue.int) ?? .null
        return r
    }

    /// A one-line summary: what, who and where, as ACLED has no title of its own.
    static func title(_ row: CSVRow) -> String {
        let what = [row["sub_event_type"], row["event_type"]].map(Cells.trimmed).first { !$0.isEmpty } ?? "ACLED event"
        let who = [row["actor1"], row["actor2"]].map(Cells.trimmed).filter { !$0.isEmpty }.joined(separator: " and ")
        let place = [row["location"], row["country"]].map(Cells.trimmed).filter { !$0.isEmpty }
        var title = what + (who.isEmpty ? "" : ": " + who)
        if !place.isEmpty { title += " in " + (place.count == 2 && place[0] == place[1] ? place[0] : place.joined(separator: ", ")) }
        title = Cells.text(title).replacingOccurrences(of: "\n", with: " ")
        return title.count <= 500 ? title : String(title.prefix(499)) + "…"
    }

    /// `event_date` with `time_precision`: 1 the day, 2 a window of a week around it
    /// (approximate), 3 the month.
    static func date(_ row: CSVRow) throws(CellError) -> JSONValue {
        let day = try Cells.day(row, "event_date")
        switch Cells.trimmed(row["time_precision"]) {
        case "1":
            return ["type": "instant", "start": .string(day.description), "end": nil, "approximate": false]
        case "2":
            let n = Cells.dayNumber(day)
            return [
                "type": "window", "start": .string(Cells.date(dayNumber: n - 3).description),
                "end": .string(Cells.date(dayNumber: n + 3).description), "approximate": true,
            ]
        case "3":
            let month = PartialDate(year: day.year, month: day.month)
            return ["type": "instant", "start": .string(month.description), "end": nil, "approximate": false]
        default:
            throw CellError(
                column: "time_precision", value: row["time_precision"],
                reason: "must be 1 (the day is known), 2 (the week) or 3 (the month)")
        }
    }

    /// `actor1` (source), its associates, `actor2` (target) and its associates; the actor's
    /// type follows from its inter code.
    static func actors(_ row: CSVRow) -> [JSONValue] {
        var out: [JSONValue] = []
        for n in ["1", "2"] {
            let name = Cells.trimmed(Cells.text(row["actor\(n)"]))
            if !name.isEmpty {
                let role: JSONValue = n == "1" ? "source" : "target"
                out.append(["name": .string(name), "type": .string(actorType(inter: row["inter\(n)"])), "role": role])
            }
            for associate in Cells.list(Cells.text(row["assoc_actor_\(n)"])) {
                out.append(["name": .string(associate), "role": "associated"])
            }
        }
        return out
    }

    /// ACLED's inter codes, as numbers (older exports) or words (newer ones).
    static func actorType(inter: String) -> String {
        switch Cells.trimmed(inter).lowercased() {
        case "1", "state forces": "military"
        case "2", "3", "4", "rebel group", "rebel groups", "political militia", "political militias", "identity militia",
            "identity militias":
            "armed_group"
        default: "other"
        }
    }

    /// The place: `location` (or the first of `admin1` and `country` that is set), with
    /// coordinates when both are given and `geo_precision` when they are.
    static func location(_ row: CSVRow, country: String?) throws(CellError) -> JSONValue {
        let name = [row["location"], row["admin1"], row["country"]].map { Cells.trimmed(Cells.text($0)) }.first { !$0.isEmpty }
        guard let name else { return .null }
        return try Cells.place(row, name: name, country: country, admin1Column: "admin1") { (row) throws(CellError) in
            try Cells.integer(row, "geo_precision", in: 1...3)
        }
    }

    /// The ISO alpha-2 code from ACLED's numeric `iso`, else from the country's name.
    static func countryCode(iso: String, name: String) -> String? {
        if let n = Int(Cells.trimmed(iso)), let code = CountryNames.numeric[n] { return code }
        return CountryNames.code(forName: name)
    }

    /// The ACLED column a field comes from.
    public func column(forField path: String) -> String? {
        column(forField: path, in: Self.blame)
    }

    private static let blame = [
        "id": "event_id_cnty", "title": "sub_event_type", "tags": "tags", "date": "event_date", "parties": "country",
        "location.name": "location", "location.admin1": "admin1", "location.latitude": "latitude",
        "location.longitude": "longitude", "location.geo_precision": "geo_precision", "location": "location",
        "codes": "sub_event_type", "source": "source", "notes": "notes", "fatalities": "fatalities",
        "actors": "actor1",
    ]
}
