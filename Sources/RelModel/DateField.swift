/// Validation of a record's `date` member: the schema's object, or the short text form.
enum DateField {
    private static let members = ["type", "start", "end", "precision", "approximate"]

    static func check(_ value: JSONValue) throws(FieldError) -> JSONValue {
        try spec(from: value).json
    }

    /// Reads a date value, as stored or as typed, into a ``DateSpec``.
    static func spec(from value: JSONValue) throws(FieldError) -> DateSpec {
        if let text = value.stringValue {
            do { return try DateSpec(parsing: text) } catch { throw FieldError("", value, error.reason) }
        }
        guard let o = value.objectValue else {
            throw FieldError("", value, "must be an object {type, start, end, precision, approximate} or a date such as 2023-02-07")
        }
        for key in o.keys where !members.contains(key) {
            throw FieldError(key, nil, "unknown field; known fields are: \(members.joined(separator: ", "))")
        }
        guard let typeValue = o["type"] else { throw FieldError("type", nil, "is required") }
        guard let typeName = typeValue.stringValue, let type = DateSpec.Kind(rawValue: typeName) else {
            throw FieldError("type", typeValue, "must be one of: instant, interval, window, unknown")
        }
        func bound(_ name: String) throws(FieldError) -> PartialDate? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw FieldError(name, v, "must be a date YYYY, YYYY-MM or YYYY-MM-DD, or null") }
            do { return try PartialDate(parsing: s) } catch { throw FieldError(name, v, error.reason) }
        }
        let approximate: Bool
        switch o["approximate"] {
        case nil, .null?: approximate = false
        case .bool(let b)?: approximate = b
        case let other?: throw FieldError("approximate", other, "must be true or false")
        }
        let spec = DateSpec(type: type, start: try bound("start"), end: try bound("end"), approximate: approximate)
        try spec.validate()
        if let given = o["precision"], !given.isNull {
            let expected = spec.precision.rawValue
            guard given.stringValue == expected else {
                throw FieldError("precision", given, "must be \"\(expected)\", the coarsest of the bounds that are set")
            }
        }
        return spec
    }
}

extension DateSpec {
    /// Reads a date from a record's canonical JSON; `nil` if it is not a valid date.
    public init?(json: JSONValue) {
        guard let spec = try? DateField.spec(from: json) else { return nil }
        self = spec
    }
}
