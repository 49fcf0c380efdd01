import OrderedCollections

/// A declarative description of a record's fields, from which validation, defaults and the
/// canonical field order all follow.
public struct SchemaField: Sendable {
    /// The shapes a value may take.
    public indirect enum ValueType: Sendable {
        /// A string; `maxLength` counts characters. The text may also take at most
        /// ``TextLimits/bytesPerCharacter`` × `maxLength` bytes of UTF-8, and no one character may be
        /// made of more than ``TextLimits/maxScalarsPerCharacter`` Unicode scalars (see ``TextLimits``).
        case text(maxLength: Int, nonEmpty: Bool)
        /// One string of a closed list.
        case oneOf([String])
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        case partialDate
        /// An ISO 3166-1 alpha-2 code.
        case countryCode
        /// A country code or an organisation's name.
        case party
        /// A whole number within a range.
        case integer(ClosedRange<Int64>)
        /// A number within a range.
        case number(ClosedRange<Double>)
        /// `true` or `false`.
        case boolean
        /// An array of at most `maxItems` items; `unique` refuses repeated items.
        case list(ValueType, nonEmpty: Bool, unique: Bool, maxItems: Int)
        /// An object with these fields, plus a check across them.
        case object([SchemaField], check: (@Sendable (OrderedDictionary<String, JSONValue>) throws(FieldError) -> Void)?)
        /// A ``DateSpec`` object, or its short text form.
        case date
        /// Reserved: only `null` is accepted.
        case alwaysNull
        /// A record id.
        case recordID
    }

    /// The member name.
    public var name: String
    /// The shape of the value.
    public var type: ValueType
    /// Whether `null` is accepted.
    public var nullable: Bool
    /// The value used when the field is missing; `nil` makes the field required.
    public var defaultValue: JSONValue?

    /// Describes one field.
    public init(_ name: String, _ type: ValueType, nullable: Bool = false, default defaultValue: JSONValue? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.defaultValue = defaultValue
    }
}

/// Checks values against ``SchemaField`` descriptions and returns them in canonical form:
/// every member present, in schema order, defaults filled in.
enum SchemaChecker {
    static func check(_ value: JSONValue, as field: SchemaField) throws(FieldError) -> JSONValue {
        if value.isNull {
            guard field.nullable || isAlwaysNull(field.type) else { throw FieldError("", value, "must not be null") }
            return .null
        }
        return try check(value, type: field.type)
    }

    private static func isAlwaysNull(_ t: SchemaField.ValueType) -> Bool {
        if case .alwaysNull = t { return true }
        return false
    }

    static func check(_ value: JSONValue, type: SchemaField.ValueType) throws(FieldError) -> JSONValue {
        switch type {
        case .text(let maxLength, let nonEmpty):
            guard let s = value.stringValue else { throw wrongType(value, "a string") }
            // Bytes first: a cheap bound that keeps every later pass (and NFC) small.
            try TextLimits.checkBytes(s, maxLength: maxLength)
            if nonEmpty, s.trimmingSpaces.isEmpty { throw FieldError("", value, "must not be empty") }
            try TextLimits.checkCharacters(s, maxLength: maxLength, value: value)
            if s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
                throw FieldError("", value, "must not contain control characters")
            }
            // Stored in NFC whatever the source, so SQL comparisons of bytes match (see String.nfc).
            let nfc = s.nfc
            try TextLimits.checkBytes(nfc, maxLength: maxLength)  // NFC may lengthen a few scripts
            return .string(nfc)
        case .oneOf(let allowed):
            guard let s = value.stringValue else { throw wrongType(value, "one of: \(allowed.joined(separator: ", "))") }
            guard allowed.contains(s) else { throw FieldError("", value, "must be one of: \(allowed.joined(separator: ", "))") }
            return value
        case .partialDate:
            guard let s = value.stringValue else { throw wrongType(value, "a date YYYY, YYYY-MM or YYYY-MM-DD") }
            do { _ = try PartialDate(parsing: s) } catch { throw FieldError("", value, error.reason) }
            return value
        case .countryCode:
            guard let s = value.stringValue else { throw wrongType(value, "a country code such as ML") }
            try checkCountryCode(s, value)
            return value
        case .party:
            guard let s = value.stringValue else { throw wrongType(value, "a country code or an organisation name") }
            if CountryCodes.looksLikeCode(s) {
                try checkCountryCode(s, value)
                return value
            }
            return try check(value, type: .text(maxLength: 200, nonEmpty: true))
        case .integer(let range):
            let n: Int64
            switch value {
            case .int(let i): n = i
            case .double(let d) where d == d.rounded() && abs(d) < 1e15: n = Int64(d)
            case .double: throw FieldError("", value, "must be a whole number")
            default: throw wrongType(value, "a whole number")
            }
            guard range.contains(n) else { throw FieldError("", value, "must be \(range.lowerBound)-\(range.upperBound)") }
            return .int(n)
        case .number(let range):
            let d: Double
            switch value {
            case .int(let i): d = Double(i)
            case .double(let x): d = x
            default: throw wrongType(value, "a number")
            }
            guard range.contains(d) else { throw FieldError("", value, "must be between \(range.lowerBound) and \(range.upperBound)") }
            return .double(d)
        case .boolean:
            guard case .bool = value else { throw wrongType(value, "true or false") }
            return value
        case .list(let itemType, let nonEmpty, let unique, let maxItems):
            guard let items = value.arrayValue else { throw wrongType(value, "an array") }
            if nonEmpty, items.isEmpty { throw FieldError("", value, "must not be empty") }
            guard items.count <= maxItems else {
                throw FieldError("", nil, "has \(items.count) items; at most \(maxItems) are allowed")
            }
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            // Hashing the checked (canonical, NFC) items keeps the duplicate check linear.
            var seen: [JSONValue: Int] = [:]
            if unique { seen.reserveCapacity(items.count) }
            for (i, item) in items.enumerated() {
                let checked: JSONValue
                do throws(FieldError) {
                    guard !item.isNull else { throw FieldError("", item, "must not be null") }
                    checked = try check(item, type: itemType)
                } catch { throw error.under("[\(i)]") }
                if unique, let first = seen.updateValue(i, forKey: checked) {
                    throw FieldError("[\(i)]", item, "is listed twice (also at [\(first)])")
                }
                out.append(checked)
            }
            return .array(out)
        case .object(let fields, let crossCheck):
            guard let members = value.objectValue else { throw wrongType(value, "an object") }
            let out = try checkObject(members, fields: fields)
            try crossCheck?(out)
            return .object(out)
        case .date:
            return try DateField.check(value)
        case .alwaysNull:
            throw FieldError("", value, "is reserved and must be null")
        case .recordID:
            guard let s = value.stringValue else { throw wrongType(value, "a record id") }
            guard RecordID.isValid(s) else { throw FieldError("", value, RecordID.rule) }
            return value
        }
    }

    /// Checks an object's members against `fields`: unknown names are refused, missing ones get
    /// their default.
    static func checkObject(
        _ members: OrderedDictionary<String, JSONValue>, fields: [SchemaField]
    ) throws(FieldError) -> OrderedDictionary<String, JSONValue> {
        for key in members.keys where !fields.contains(where: { $0.name == key }) {
            throw FieldError(key, nil, "unknown field; known fields are: \(fields.map(\.name).joined(separator: ", "))")
        }
        var out = OrderedDictionary<String, JSONValue>(minimumCapacity: fields.count)
        for field in fields {
            if let given = members[field.name] {
                do { out[field.name] = try check(given, as: field) } catch { throw error.under(field.name) }
            } else if let d = field.defaultValue {
                out[field.name] = d
            } else {
                throw FieldError(field.name, nil, "is required")
            }
        }
        return out
    }

    private static func checkCountryCode(_ s: String, _ value: JSONValue) throws(FieldError) {
        guard CountryCodes.looksLikeCode(s), CountryCodes.isValid(s.uppercased()) else {
            throw FieldError("", value, "is not an ISO 3166-1 alpha-2 country code (such as ML, RU, FR)")
        }
        guard s == s.uppercased() else { throw FieldError("", value, "country codes are upper case: \(s.uppercased())") }
    }

    private static func wrongType(_ value: JSONValue, _ expected: String) -> FieldError {
        FieldError("", value, "must be \(expected), not \(article(value.typeName))")
    }

    private static func article(_ type: String) -> String {
        type == "null" ? "null" : (type == "array" || type == "object" ? "an \(type)" : "a \(type)")
    }
}

/// Record ids: UUIDs, or stable ids such as `mlru-e01` given on import.
public enum RecordID {
    /// The rule in words, for error messages.
    public static let rule = "must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit"

    /// Whether `s` is a usable record id.
    public static func isValid(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...128).contains(u.count) else { return false }
        func alnum(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) }
        guard alnum(u[0]) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 46 || $0 == 95 || $0 == 58 || $0 == 45 }
    }
}
