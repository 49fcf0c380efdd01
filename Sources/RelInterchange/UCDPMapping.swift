import OrderedCollections
import RelModel

/// UCDP's Georeferenced Event Dataset (GED) to records and back; docs/csv.md has the table.
///
/// Each row is an event with id `ucdp-` + `id`. Columns are found by name, so any GED version
/// reads; every cell a field does not hold as it is (`relid`, the deaths `low`/`high`, the
/// conflict and dyad ids, ...) is kept in the record's notes (``KeptColumns``), so an export
/// gives back the same row.
public struct UCDPMapping: RowMapping {
    /// Creates the mapping.
    public init() {}

    /// The 49 columns of GED's CSV, in GED's order: the columns an export writes. Import finds
    /// columns by name, so a file with fewer or more (another GED version) reads too.
    public static let columns = [
        "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
        "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
        "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office", "source_date",
        "source_headline", "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
        "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
        "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
        "gwnoa", "gwnob",
    ]

    /// The prefix of record ids made from `id`.
    public static let idPrefix = "ucdp-"

    /// ``columns``.
    public var columns: [String] { Self.columns }
    /// The id and the dates.
    public var requiredColumns: [String] { ["id", "date_start", "date_end"] }
    /// `UCDP`.
    public var dataset: String? { "UCDP" }

    /// The event a row describes.
    public func record(from row: CSVRow) throws(CellError) -> OrderedDictionary<String, JSONValue> {
        let id = Cells.trimmed(row["id"])
        guard !id.isEmpty, RecordID.isValid(Self.idPrefix + id) else {
            throw CellError(column: "id", value: row["id"], reason: "must be 1-123 letters, digits, '.', '_', ':' or '-'")
        }
        let country = CountryNames.code(forName: row["country"])
        var r = OrderedDictionary<String, JSONValue>()
        r["id"] = .string(Self.idPrefix + id)
        r["kind"] = "event"
        r["title"] = .string(Self.title(row))
        r["category"] = .string(Cells.trimmed(row["type_of_violence"]) == "1" ? "military" : "security")
        r["date"] = try Self.date(row)
        r["parties"] = .array(country.map { [JSONValue.string($0)] } ?? [])
        r["actors"] = .array(
            ["side_a", "side_b"].compactMap { column -> JSONValue? in
                let name = Cells.trimmed(Cells.text(row[column]))
                return name.isEmpty ? nil : ["name": .string(name), "type": .string(Self.actorType(name)), "role": "participant"]
            })
        r["location"] = try Self.location(row, country: country)
        let source = Cells.trimmed(Cells.text(row["source_article"]))
        if !source.isEmpty, source.count <= 500 { r["source"] = ["title": .string(source)] }
        r["notes"] = ""
        r["fatalities"] = try Cells.integer(row, "best", in: 0...100_000_000).map(JSONValue.int) ?? .null
        return r
    }

    /// The dyad (or conflict) and the place.
    static func title(_ row: CSVRow) -> String {
        let who = [row["dyad_name"], row["conflict_name"]].map(Cells.trimmed).first { !$0.isEmpty } ?? "UCDP event"
        let place = [row["where_coordinates"], row["adm_1"], row["country"]].map(Cells.trimmed).first { !$0.isEmpty }
        let title = Cells.text(who + (place.map { " in " + $0 } ?? "")).replacingOccurrences(of: "\n", with: " ")
        return title.count <= 500 ? title : String(title.prefix(499)) + "…"
    }

    /// One day (`date_start` = `date_end`; approximate when `date_prec` says the day is not
    /// exact), else a window from start to end.
    static func date(_ row: CSVRow) throws(CellError) -> JSONValue {
        let start = try Cells.day(row, "date_start")
        let endText = Cells.trimmed(row["date_end"])
        let end = try endText.isEmpty ? start : Cells.day(row, "date_end")
        if end.earliest < start.earliest {
            throw CellError(column: "date_end", value: row["date_end"], reason: "is before date_start \(start)")
        }
        if start == end {
            let precision = Cells.trimmed(row["date_prec"])
            let approximate = !(precision.isEmpty || precision == "1")
            return ["type": "instant", "start": .string(start.description), "end": .null, "approximate": .bool(approximate)]
        }
        return ["type": "window", "start": .string(start.description), "end": .string(end.description), "approximate": false]
    }

    /// A government, civilians, or else an armed group, as GED names its sides.
    static func actorType(_ name: String) -> String {
        if name.hasPrefix("Government of") { return "government" }
        if name == "Civilians" { return "other" }
        return "armed_group"
    }

    /// `where_coordinates` (or the first of `adm_2`, `adm_1`, `country` that is set), with the
    /// coordinates and `where_prec` as the precision (1 and 2 as they are, 3-7 a larger region).
    static func location(_ row: CSVRow, country: String?) throws(CellError) -> JSONValue {
        let name = [row["where_coordinates"], row["adm_2"], row["adm_1"], row["country"]]
            .map { Cells.trimmed(Cells.text($0)) }.first { !$0.isEmpty }
        guard let name else { return .null }
        return try Cells.place(row, name: name, country: country, admin1Column: "adm_1") { (row) throws(CellError) in
            try Cells.integer(row, "where_prec", in: 1...7).map { min($0, 3) }
        }
    }

    /// The GED column a field comes from.
    public func column(forField path: String) -> String? {
        column(forField: path, in: Self.blame)
    }

    private static let blame = [
        "id": "id", "title": "dyad_name", "date": "date_start", "actors": "side_a", "location": "where_coordinates",
        "location.admin1": "adm_1", "location.latitude": "latitude", "location.longitude": "longitude", "source": "source_article",
        "fatalities": "best",
    ]
}
