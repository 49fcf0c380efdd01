/// Reads the text people type on the command line (`--set FIELD=VALUE`, `--actor`, `--location`)
/// into the JSON a record holds, guided by the schema, so that `--set title=2023` stays a string
/// and `--set parties=ML,RU` becomes a list.
public enum FieldInput {
    /// The JSON value for `text` typed for the field at `path` (e.g. `title`, `source.url`) of a record of `kind`.
    public static func value(forPath path: String, text: String, kind: RecordKind) throws(ValidationError) -> JSONValue {
        guard let field = schemaField(at: path, kind: kind) else {
            throw ValidationError(field: path, value: nil,
                                  reason: "unknown field for an \(kind.rawValue); known fields are: \(RecordSchema.fields(for: kind).map(\.name).joined(separator: ", "))")
        }
        do { return try value(text, type: field.type, name: field.name) } catch {
            throw ValidationError(field: path, value: JSONText.quoted(text), reason: error.reason)
        }
    }

    /// The value a field returns to when unset: `null` if nullable, else its default.
    public static func unsetValue(forPath path: String, kind: RecordKind) throws(ValidationError) -> JSONValue {
        guard let field = schemaField(at: path, kind: kind) else {
            throw ValidationError(field: path, value: nil, reason: "unknown field for an \(kind.rawValue)")
        }
        if field.nullable { return .null }
        guard let d = field.defaultValue else {
            throw ValidationError(field: path, value: nil, reason: "is required and cannot be unset")
        }
        return d
    }

    /// `NAME[:TYPE[:ROLE[:COUNTRY]]]`, e.g. `Wagner Group:private_military_company:source:RU`.
    public static func actor(_ text: String) -> JSONValue {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        var o: JSONValue = ["name": .string(parts[0])]
        if parts.count > 1, !parts[1].isEmpty { o = merged(o, "type", .string(parts[1])) }
        if parts.count > 2, !parts[2].isEmpty { o = merged(o, "role", .string(parts[2])) }
        if parts.count > 3, !parts[3].isEmpty { o = merged(o, "country", .string(parts[3])) }
        return o
    }

    /// `NAME[:COUNTRY]`, e.g. `Bamako:ML`.
    public static func location(_ text: String) -> JSONValue {
        let parts = text.split(separator: ":", maxSplits: 1).map { String($0).trimmingSpaces }
        var o: JSONValue = ["name": .string(parts.first ?? "")]
        if parts.count > 1 { o = merged(o, "country", .string(parts[1])) }
        return o
    }

    private static func merged(_ o: JSONValue, _ key: String, _ v: JSONValue) -> JSONValue {
        var m = o.objectValue ?? [:]
        m[key] = v
        return .object(m)
    }

    static func schemaField(at path: String, kind: RecordKind) -> SchemaField? {
        var fields = RecordSchema.fields(for: kind)
        var found: SchemaField?
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let f = fields.first(where: { $0.name == part }) else { return nil }
            found = f
            switch f.type {
            case .object(let sub, _): fields = sub
            case .date:
                fields = ["type", "start", "end", "precision"].map { SchemaField($0, .text(maxLength: 20, nonEmpty: true)) }
                    + [SchemaField("approximate", .boolean)]
            default: fields = []
            }
        }
        return found
    }

    private static func value(_ text: String, type: SchemaField.ValueType, name: String) throws(FieldError) -> JSONValue {
        let trimmed = text.trimmingSpaces
        switch type {
        case .list, .object, .date:
            // Structured fields also take JSON; text fields keep `[15]` as text.
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("["), let json = try? JSONValue.parse(trimmed) { return json }
        default:
            break
        }
        switch type {
        case .integer, .number:
            if let i = Int64(trimmed) { return .int(i) }
            if let d = Double(trimmed) { return .double(d) }
            throw FieldError("", nil, "must be a number")
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw FieldError("", nil, "must be true or false")
            }
        case .list(let item, _, _):
            let items = trimmed.isEmpty ? [] : trimmed.split(separator: ",").map { String($0).trimmingSpaces }
            if case .object = item, name == "actors" { return .array(items.map(actor)) }
            return .array(items.map(JSONValue.string))
        case .object where name == "location":
            return location(text)
        case .object:
            throw FieldError("", nil, "must be a JSON object, e.g. {\"title\": \"...\"}, or set one member with \(name).MEMBER=VALUE")
        case .alwaysNull:
            return .null
        case .date, .text, .oneOf, .partialDate, .countryCode, .party, .recordID:
            return .string(text)
        }
    }
}
