/// A value refused by validation, located by its path inside a record.
///
/// Its description is the message people see, e.g.
/// `field date.start: "2023-13-01": month must be 01-12`.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the field, e.g. `date.start` or `actors[1].role`.
    public var field: String
    /// The offending value, as JSON text (`nil` when the field is missing).
    public var value: String?
    /// What is wrong and, where it helps, what would be right.
    public var reason: String
    /// Position of the record in an imported array, if the record came from one.
    public var recordIndex: Int?
    /// The record's id, if it has one.
    public var recordID: String?

    /// Creates an error for `field`.
    public init(field: String, value: String?, reason: String, recordIndex: Int? = nil, recordID: String? = nil) {
        self.field = field
        self.value = value
        self.reason = reason
        self.recordIndex = recordIndex
        self.recordID = recordID
    }

    /// The message people see.
    public var description: String {
        var s = ""
        if let recordIndex {
            s += "record \(recordIndex + 1)"
            if let recordID { s += " (id \(JSONText.quoted(recordID)))" }
            s += ": "
        }
        s += "field \(field): "
        if let value { s += "\(value): " }
        return s + reason
    }
}

/// A problem found inside one value, before it is placed at a path; see ``ValidationError``.
public struct FieldError: Error, Sendable {
    /// Path below the value being checked (empty for the value itself).
    public var path: String
    /// The offending value.
    public var value: JSONValue?
    /// What is wrong.
    public var reason: String

    /// Creates an error at `path` below the current value.
    public init(_ path: String, _ value: JSONValue?, _ reason: String) {
        self.path = path
        self.value = value
        self.reason = reason
    }

    /// Places the error under `parent`.
    func under(_ parent: String) -> FieldError {
        var e = self
        if path.isEmpty { e.path = parent } else if path.hasPrefix("[") { e.path = parent + path } else { e.path = parent + "." + path }
        return e
    }

    /// The error as people see it, with a value shortened to keep messages to one line.
    public var validationError: ValidationError {
        var text = value.map(JSONText.compact)
        if let t = text, t.count > 120 { text = String(t.prefix(117)) + "..." }
        return ValidationError(field: path, value: text, reason: reason)
    }
}
