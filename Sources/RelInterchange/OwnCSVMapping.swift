import OrderedCollections
import RelModel

/// reld's own CSV columns: one row per record, every field, so that `export --format csv`
/// and `import --format csv` give back the same records. The common fields have columns of
/// their own; the rest (actors, codes, related ids, an agreement's fields, the rest of the
/// source) go as one JSON object in `more`, with only the values that differ from the default.
public struct OwnCSVMapping: RowMapping {
    /// Creates the mapping.
    public init() {}

    /// The columns, in the order an export writes them.
    public static let columns = [
        "id", "kind", "title", "category", "date_type", "date_start", "date_end", "date_approximate", "parties",
        "claim_status", "location_name", "location_country", "location_admin1", "latitude", "longitude",
        "geo_precision", "source_title", "source_url", "notes", "tags", "fatalities", "more",
    ]

    /// Fields that have columns of their own; every other field goes in `more`.
    static let fieldsWithColumns: Set<String> = [
        "title", "category", "tags", "date", "parties", "location", "claim_status", "source", "notes", "fatalities",
    ]

    /// The defaults of the source's members that have no column: only others go in `more`.
    static let sourceDefaults: [String: JSONValue] = ["genre": .null, "part": .null, "citation_markers": [], "quote": .null]

    /// ``columns``.
    public var columns: [String] { Self.columns }
    /// What every record needs: its kind, title and category.
    public var requiredColumns: [String] { ["kind", "title", "category"] }
    /// None: every column has a field, and a column the format does not know is refused.
    public var dataset: String? { nil }

    /// The record a row holds.
    public func record(from row: CSVRow) throws(CellError) -> OrderedDictionary<String, JSONValue> {
        var r = OrderedDictionary<String, JSONValue>()
        let id = Cells.trimmed(row["id"])
        if !id.isEmpty { r["id"] = .string(id) }
        r["kind"] = .string(Cells.trimmed(row["kind"]))
        r["title"] = .string(Cells.text(row["title"]))
        r["category"] = .string(Cells.trimmed(row["category"]))
        r["tags"] = try ListCell.read(row, "tags")
        r["date"] = try Self.date(row)
        r["parties"] = try ListCell.read(row, "parties")
        r["location"] = try Self.location(row)
        let claim = Cells.trimmed(row["claim_status"])
        if !claim.isEmpty { r["claim_status"] = .string(claim) }
        var more = try Self.more(row)
        let sourceRest = more.removeValue(forKey: "source")
        let title = Cells.text(row["source_title"])
        let url = Cells.trimmed(row["source_url"])
        if sourceRest != nil || !title.isEmpty || !url.isEmpty {
            var source = sourceRest?.objectValue ?? [:]
            source["title"] = title.isEmpty ? .null : .string(title)
            source["url"] = url.isEmpty ? .null : .string(url)
            r["source"] = .object(source)
        } else {
            r["source"] = .null
        }
        r["notes"] = .string(Cells.text(row["notes"]))
        if let n = try Cells.integer(row, "fatalities", in: 0...100_000_000) { r["fatalities"] = .int(n) }
        for (key, value) in more {
            guard r[key] == nil, key != "id", key != "kind" else {
                throw CellError(column: "more", value: row["more"], reason: "\(key) has a column of its own; give it there")
            }
            r[key] = value
        }
        return r
    }

    /// `date_type` with `date_start`, `date_end` and `date_approximate`; no type and no start is unknown.
    static func date(_ row: CSVRow) throws(CellError) -> JSONValue {
        let type = Cells.trimmed(row["date_type"])
        let start = Cells.trimmed(row["date_start"])
        let end = Cells.trimmed(row["date_end"])
        let approximate: Bool
        switch Cells.trimmed(row["date_approximate"]).lowercased() {
        case "", "false", "0", "no": approximate = false
        case "true", "1", "yes": approximate = true
        default: throw CellError(column: "date_approximate", value: row["date_approximate"], reason: "must be true or false")
        }
        if type.isEmpty, start.isEmpty { return "unknown" }
        return [
            "type": .string(type.isEmpty ? "instant" : type), "start": start.isEmpty ? .null : .string(start),
            "end": end.isEmpty ? .null : .string(end), "approximate": .bool(approximate),
        ]
    }

    static func location(_ row: CSVRow) throws(CellError) -> JSONValue {
        let name = Cells.text(row["location_name"])
        guard !name.isEmpty else {
            for column in ["location_country", "location_admin1", "latitude", "longitude", "geo_precision"]
            where !Cells.trimmed(row[column]).isEmpty {
                throw CellError(column: column, value: row[column], reason: "a place needs a name: fill in location_name too")
            }
            return .null
        }
        let country = Cells.trimmed(row["location_country"])
        let admin1 = Cells.text(row["location_admin1"])
        return [
            "name": .string(name), "country": country.isEmpty ? .null : .string(country),
            "admin1": admin1.isEmpty ? .null : .string(admin1),
            "latitude": try Cells.number(row, "latitude", in: -90...90).map(JSONValue.double) ?? .null,
            "longitude": try Cells.number(row, "longitude", in: -180...180).map(JSONValue.double) ?? .null,
            "geo_precision": try Cells.integer(row, "geo_precision", in: 1...3).map(JSONValue.int) ?? .null,
        ]
    }

    static func more(_ row: CSVRow) throws(CellError) -> OrderedDictionary<String, JSONValue> {
        let text = Cells.trimmed(row["more"])
        guard !text.isEmpty else { return [:] }
        do {
            guard let object = try JSONValue.parse(text).objectValue else {
                throw CellError(
                    column: "more", value: row["more"], reason: "must be a JSON object of fields, such as {\"related_ids\":[\"x1\"]}")
            }
            return object
        } catch let error as CellError {
            throw error
        } catch {
            throw CellError(column: "more", value: row["more"], reason: "\(error)")
        }
    }

    /// Every column of a record, so that importing them gives it back.
    public func cells(from record: JSONValue) -> [String: String] {
        var c: [String: String] = [:]
        c["id"] = record["id"]?.stringValue ?? ""
        let kindName = record["kind"]?.stringValue ?? ""
        c["kind"] = kindName
        c["title"] = record["title"]?.stringValue ?? ""
        c["category"] = record["category"]?.stringValue ?? ""
        let date = record["date"].flatMap(DateSpec.init(json:)) ?? .unknown
        c["date_type"] = date.type.rawValue
        c["date_start"] = date.start?.description ?? ""
        c["date_end"] = date.end?.description ?? ""
        c["date_approximate"] = date.approximate ? "true" : "false"
        c["parties"] = ListCell.write(record["parties"])
        c["claim_status"] = record["claim_status"]?.stringValue ?? ""
        let place = record["location"]
        c["location_name"] = place?["name"]?.stringValue ?? ""
        c["location_country"] = place?["country"]?.stringValue ?? ""
        c["location_admin1"] = place?["admin1"]?.stringValue ?? ""
        c["latitude"] = Cells.number(place?["latitude"])
        c["longitude"] = Cells.number(place?["longitude"])
        c["geo_precision"] = Cells.number(place?["geo_precision"])
        c["source_title"] = record["source"]?["title"]?.stringValue ?? ""
        c["source_url"] = record["source"]?["url"]?.stringValue ?? ""
        c["notes"] = record["notes"]?.stringValue ?? ""
        c["tags"] = ListCell.write(record["tags"])
        c["fatalities"] = Cells.number(record["fatalities"])
        var more = OrderedDictionary<String, JSONValue>()
        if let source = record["source"]?.objectValue {
            let defaults = Self.sourceDefaults
            let rest = source.filter { $0.key != "title" && $0.key != "url" && $0.value != defaults[$0.key] }
            if !rest.isEmpty || (source["title"] ?? .null).isNull && (source["url"] ?? .null).isNull {
                more["source"] = .object(rest)
            }
        }
        let kind = RecordKind(rawValue: kindName) ?? .event
        for field in RecordSchema.fields(for: kind) where !Self.fieldsWithColumns.contains(field.name) {
            if let value = record[field.name], value != field.defaultValue { more[field.name] = value }
        }
        c["more"] = more.isEmpty ? "" : JSONText.compact(.object(more))
        return c
    }

    /// The column a field is in; `more` for the fields without one.
    public func column(forField path: String) -> String? {
        column(forField: path, in: Self.blame) ?? "more"
    }

    private static let blame = [
        "id": "id", "kind": "kind", "title": "title", "category": "category", "tags": "tags", "date": "date_start",
        "date.type": "date_type", "date.end": "date_end", "date.approximate": "date_approximate", "parties": "parties",
        "location": "location_name", "location.country": "location_country", "location.admin1": "location_admin1",
        "location.latitude": "latitude", "location.longitude": "longitude", "location.geo_precision": "geo_precision",
        "claim_status": "claim_status", "source.title": "source_title", "source.url": "source_url", "notes": "notes",
        "fatalities": "fatalities",
    ]
}
