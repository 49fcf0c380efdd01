/// Reads the text people type on the command line (`--set FIELD=VALUE`, `--actor`, `--location`)
/// into the JSON a record holds, guided by the schema, so that `--set title=2023` stays a string
/// and `--set parties=ML,RU` becomes a list.
public enum FieldInput {
    /// The JSON value for `text` typed for the field at `path` (e.g. `title`, `source.url`) of a record of `kind`.
    public static func value(forPath path: String, text: String, kind: RecordKind) throws(ValidationError) -> JSONValue {
        guard let field = schemaField(at: path, kind: kind) else {
            throw ValidationError(
                field: path, value: nil,
                reason:
                    "unknown field for an \(kind.rawValue); known fields are: \(RecordSchema.fields(for: kind).map(\.name).joined(separator: ", "))"
            )
        }
        do { return try value(text, type: field.type, name: field.name) } catch {
            throw ValidationError(field: path, value: JSONText.quoted(text), reason: error.reason)
        }
    }

    /// The kind of record whose schema has the field at `path`: fields both kinds have are read
    /// alike, so an edit needs no record to know how to read its values. `nil` if neither has it.
    public static func kind(forPath path: String) -> RecordKind? {
        RecordKind.allCases.first { schemaField(at: path, kind: $0) != nil }
    }

    /// The JSON value for `text` typed for the field at `path`, read as the kind that has the field.
    public static func value(forPath path: String, text: String) throws(ValidationError) -> JSONValue {
        try value(forPath: path, text: text, kind: try knownKind(forPath: path))
    }

    /// The value the field at `path` returns to when unset, for the kind that has the field.
    public static func unsetValue(forPath path: String) throws(ValidationError) -> JSONValue {
        try unsetValue(forPath: path, kind: try knownKind(forPath: path))
    }

    /// Whether the field at `path` is a list of texts (tags, parties, ...), which `--add` and
    /// `--remove` change item by item.
    public static func isTextList(_ path: String, kind: RecordKind) -> Bool {
        guard let field = schemaField(at: path, kind: kind), case .list(let item, _, _, _) = field.type else { return false }
        if case .object = item { return false }
        return true
    }

    private static func knownKind(forPath path: String) throws(ValidationError) -> RecordKind {
        if let kind = kind(forPath: path) { return kind }
        var names: [String] = []
        for kind in RecordKind.allCases {
            for field in RecordSchema.fields(for: kind) where !names.contains(field.name) { names.append(field.name) }
        }
        throw ValidationError(field: path, value: nil, reason: "unknown field; known fields are: \(names.joined(separator: ", "))")
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

    /// The short form of an actor, as help and errors show it.
    public static let actorFormat = "NAME[:TYPE[:ROLE[:COUNTRY]]]"
    /// The short form of a location, as help and errors show it.
    public static let locationFormat = "NAME[:COUNTRY]"

    /// `NAME[:TYPE[:ROLE[:COUNTRY]]]`, e.g. `Wagner Group:private_military_company:source:RU`.
    /// More parts are refused rather than dropped: they are most likely a misplaced colon.
    public static func actor(_ text: String) throws(FieldError) -> JSONValue {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard parts.count <= 4 else {
            throw FieldError(
                "", .string(text),
                "has \(parts.count) parts separated by colons; an actor is \(actorFormat), e.g. Wagner Group:private_military_company:source:RU"
            )
        }
        var o: JSONValue = ["name": .string(parts[0])]
        if parts.count > 1, !parts[1].isEmpty { o = merged(o, "type", .string(parts[1])) }
        if parts.count > 2, !parts[2].isEmpty { o = merged(o, "role", .string(parts[2])) }
        if parts.count > 3, !parts[3].isEmpty { o = merged(o, "country", .string(parts[3])) }
        return o
    }

    /// `NAME[:COUNTRY]`, e.g. `Bamako:ML`. More parts are refused, as for ``actor(_:)``.
    public static func location(_ text: String) throws(FieldError) -> JSONValue {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard parts.count <= 2 else {
            throw FieldError(
                "", .string(text), "has \(parts.count) parts separated by colons; a location is \(locationFormat), e.g. Bamako:ML")
        }
        var o: JSONValue = ["name": .string(parts[0])]
        if parts.count > 1, !parts[1].isEmpty { o = merged(o, "country", .string(parts[1])) }
        return o
    }

    /// Values that show how to write the field at `path`, the short form first, for error messages
    /// (e.g. `visit,summit` and `["visit","summit"]` for tags); empty for fields of one obvious form.
    public static func examples(forPath path: String, kind: RecordKind) -> [String] {
        guard let field = schemaField(at: path, kind: kind) else { return [] }
        switch field.type {
        case .list(let item, _, _, _):
            if case .object = item, field.name == "actors" {
                return ["Mali:state,Wagner Group", #"[{"name":"Mali","type":"state"}]"#]
            }
            let pair =
                switch field.name {
                case "tags": ("visit", "summit")
                case "parties": ("ML", "RU")
                case "related_ids": ("mlru-e01", "mlru-e02")
                default: ("first", "second")
                }
            return ["\(pair.0),\(pair.1)", "[\"\(pair.0)\",\"\(pair.1)\"]"]
        case .object(let members, _):
            if field.name == "location" { return ["Bamako:ML", #"{"name":"Bamako","country":"ML"}"#] }
            let member = members.first(where: { if case .text = $0.type { true } else { false } }) ?? members.first
            return member.map { [#"{"\#($0.name)":"..."}"#] } ?? []
        case .date:
            return ["2023-02", #"{"start":"2023-02"}"#]
        default:
            return []
        }
    }

    private static func merged(_ o: JSONValue, _ key: String, _ v: JSONValue) -> JSONValue {
        var m = o.objectValue ?? [:]
        m[key] = v
        return .object(m)
    }

    /// "; write ..." for a structured field whose JSON did not parse.
    private static func howToWrite(_ type: SchemaField.ValueType, name: String) -> String {
        switch type {
        case .list: "; write the items separated by commas, or as a JSON array with each text in double quotes"
        case .object where name == "location": "; write \(locationFormat), or a JSON object with each text in double quotes"
        case .object: "; write a JSON object with each name and text in double quotes, or set one member with \(name).MEMBER=VALUE"
        default: "; write a date as add-event --date takes it, or a JSON object"
        }
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
                fields =
                    ["type", "start", "end", "precision"].map { SchemaField($0, .text(maxLength: 20, nonEmpty: true)) }
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
            // Structured fields also take JSON; text fields keep `[15]` as text. What looks like
            // JSON must be JSON: read as items, `[a, b]` would store the items "[a" and "b]".
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
                do { return try JSONValue.parse(trimmed) } catch {
                    throw FieldError(
                        "", nil, "starts like JSON but is not valid JSON (\(error.description))" + howToWrite(type, name: name))
                }
            }
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
        case .list(let item, _, _, _):
            let items = trimmed.isEmpty ? [] : trimmed.split(separator: ",").map { String($0).trimmingSpaces }
            if case .object = item, name == "actors" {
                var actors: [JSONValue] = []
                for (i, item) in items.enumerated() {
                    do { actors.append(try actor(item)) } catch { throw error.under("[\(i)]") }
                }
                return .array(actors)
            }
            return .array(items.map(JSONValue.string))
        case .object where name == "location":
            return try location(text)
        case .object:
            throw FieldError("", nil, "must be a JSON object, e.g. {\"title\": \"...\"}, or set one member with \(name).MEMBER=VALUE")
        case .alwaysNull:
            return .null
        case .date, .text, .oneOf, .partialDate, .countryCode, .party, .recordID:
            return .string(text)
        }
    }
}
