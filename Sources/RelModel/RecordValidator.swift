import OrderedCollections

/// Turns untrusted JSON into ``Record``s, or says exactly which field is wrong and why.
public enum RecordValidator {
    /// Validates a whole record as given to create or import.
    ///
    /// - Parameter newID: makes an id when the input has none.
    public static func record(from json: JSONValue, newID: () -> String) throws(ValidationError) -> Record {
        try record(from: json, recordLevel: true, newID: newID)
    }

    /// Assembles a record from merged field values: each value is checked, missing ones get their
    /// default, but rules that tie fields together are not applied, because two edits that were
    /// each valid may combine into a pair that is not (the next local edit must fix it).
    public static func merged(id: String, kind: RecordKind, fields: OrderedDictionary<String, JSONValue>) throws(ValidationError) -> Record
    {
        var json = fields
        json["id"] = .string(id)
        json["kind"] = .string(kind.rawValue)
        let names = Set(RecordSchema.fields(for: kind).map(\.name))
        json = json.filter { $0.key == "id" || $0.key == "kind" || names.contains($0.key) }
        return try record(from: .object(json), recordLevel: false) { id }
    }

    /// Checks one merged field value, as it arrives from a feed: `field` is a top-level field of
    /// either kind or a pseudo-field of ``Change``. Returns the value in canonical form.
    public static func checkMergedField(_ field: String, _ value: JSONValue) throws(ValidationError) -> JSONValue {
        switch field {
        case Change.kindField:
            guard let s = value.stringValue, RecordKind(rawValue: s) != nil else {
                throw ValidationError(field: field, value: JSONText.compact(value), reason: "must be \"event\" or \"agreement\"")
            }
            return value
        case Change.deletedField:
            guard case .bool = value else {
                throw ValidationError(field: field, value: JSONText.compact(value), reason: "must be true or false")
            }
            return value
        default:
            let specs = RecordKind.allCases.compactMap { kind in RecordSchema.fields(for: kind).first { $0.name == field } }
            guard !specs.isEmpty else {
                throw ValidationError(
                    field: field, value: nil, reason: "is not a field of any record kind; is the feed written by a newer reld?")
            }
            var last: FieldError?
            for spec in specs {
                do { return try SchemaChecker.check(value, as: spec) } catch { last = error.under(field) }
            }
            throw last!.validationError
        }
    }

    static func record(from json: JSONValue, recordLevel: Bool, newID: () -> String) throws(ValidationError) -> Record {
        guard var members = json.objectValue else {
            throw ValidationError(field: "(record)", value: nil, reason: "must be a JSON object, not \(json.typeName)")
        }
        // An empty name is no field at all; naming it as field "" would help nobody.
        guard members[""] == nil else {
            throw ValidationError(field: "(record)", value: nil, reason: "has a member with an empty name; remove it or name the field")
        }
        let id: String
        var givenID: String?
        switch members.removeValue(forKey: "id") {
        case nil, .null?: id = newID()
        case .string(let s)? where RecordID.isValid(s):
            id = s
            givenID = s
        case let other?: throw FieldError("id", other, RecordID.rule).validationError
        }
        do throws(FieldError) {
            guard let kindValue = members.removeValue(forKey: "kind") else {
                throw FieldError("kind", nil, "is required: event or agreement")
            }
            guard let kind = kindValue.stringValue.flatMap(RecordKind.init(rawValue:)) else {
                throw FieldError("kind", kindValue, "must be one of: event, agreement")
            }
            let schema = RecordSchema.fields(for: kind)
            for key in members.keys where !schema.contains(where: { $0.name == key }) {
                let other: RecordKind = kind == .event ? .agreement : .event
                if RecordSchema.fields(for: other).contains(where: { $0.name == key }) {
                    throw FieldError(key, nil, "is only for \(other.rawValue)s, and this record is an \(kind.rawValue)")
                }
            }
            let fields = try SchemaChecker.checkObject(members, fields: schema)
            if recordLevel { try recordChecks(fields, kind: kind) }
            return Record(id: id, kind: kind, fields: fields)
        } catch {
            var e = error.validationError
            e.recordID = givenID  // a generated id names nothing the caller knows
            throw e
        }
    }

    /// Applies edits to a record: each key is a field name or a dotted path into an object field
    /// (`source.url`, `date.start`); `null` clears a nullable field.
    public static func applying(
        _ edits: OrderedDictionary<String, JSONValue>, to record: Record
    ) throws(ValidationError) -> Record {
        var json = record.json
        for (path, value) in edits {
            let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts[0] == "id" || parts[0] == "kind" {
                throw ValidationError(
                    field: path, value: JSONText.compact(value),
                    reason: "cannot be changed; create a new record instead", recordID: record.id)
            }
            guard !parts.contains(""), record.fields[parts[0]] != nil else {
                let known = record.fields.keys.joined(separator: ", ")
                throw ValidationError(
                    field: path, value: nil,
                    reason: "unknown field for an \(record.kind.rawValue); known fields are: \(known)",
                    recordID: record.id)
            }
            do { try set(&json, parts[...], to: value) } catch {
                var e = error.validationError
                e.recordID = record.id
                throw e
            }
        }
        return try self.record(from: json) { record.id }
    }

    private static func set(_ target: inout JSONValue, _ path: ArraySlice<String>, to value: JSONValue) throws(FieldError) {
        guard let key = path.first else {
            target = value
            return
        }
        var object: OrderedDictionary<String, JSONValue>
        switch target {
        case .object(let o): object = o
        case .null where key == "date": object = DateSpec.unknown.json.objectValue!
        case .null: object = [:]
        default: throw FieldError("", target, "is not an object, so it has no member \(key)")
        }
        if path.count > 1, object[key] == nil, target.objectValue != nil {
            throw FieldError(key, nil, "unknown field; known fields are: \(object.keys.joined(separator: ", "))")
        }
        var child = object[key] ?? .null
        do { try set(&child, path.dropFirst(), to: value) } catch { throw error.under(key) }
        object[key] = child
        // Only a date has `precision`; it follows from the bounds, so an edited bound recomputes it.
        if ["start", "end", "type"].contains(key) { object["precision"] = nil }
        target = .object(object)
    }

    private static func recordChecks(_ f: OrderedDictionary<String, JSONValue>, kind: RecordKind) throws(FieldError) {
        guard kind == .agreement else { return }
        if let obligations = f["alliance_obligations"], !obligations.isNull, f["agreement_type"]?.stringValue != "alliance" {
            throw FieldError("alliance_obligations", obligations, "is set only for alliances (agreement_type \"alliance\")")
        }
        if let signed = f["date_signed"]?.stringValue, let force = f["date_entry_into_force"]?.stringValue,
            let s = try? PartialDate(parsing: signed), let e = try? PartialDate(parsing: force), e.latest < s.earliest
        {
            throw FieldError("date_entry_into_force", .string(force), "is before date_signed \(signed)")
        }
    }
}
