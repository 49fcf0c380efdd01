import RelModel

/// `POST /v1/records/{id}/resolve`: the field in conflict and which value to keep,
/// `{"field": F, "take": "local"}`, `{"field": F, "take": "remote"}` or `{"field": F, "value": V}`.
/// Other members are ignored.
///
/// It is read from the parsed ``JSONValue`` (the control API's parser: bounded nesting, text in
/// NFC), not with `Decodable`, which cannot tell `"value": null` (keep null) from no `value`.
public struct ResolveRequest: Sendable, Equatable {
    /// Which version of the field to keep.
    public enum Choice: Sendable, Equatable {
        /// The latest version written on this node.
        case local
        /// The version written on other nodes (there must be only one).
        case remote
        /// This value, in input form as in PATCH (a short date string for `date`, say).
        case value(JSONValue)
    }

    /// The field in conflict.
    public var field: String
    /// What to keep.
    public var choice: Choice

    /// Creates the request.
    public init(field: String, choice: Choice) {
        self.field = field
        self.choice = choice
    }

    /// Reads a request body; the error's reason says what the body lacks.
    public init(json: JSONValue) throws(FieldError) {
        guard case .string(let field)? = json["field"] else {
            throw FieldError("field", json["field"], "body must name the \"field\" in conflict")
        }
        switch (json["take"], json["value"]) {
        case (.string("local")?, nil): choice = .local
        case (.string("remote")?, nil): choice = .remote
        case (nil, let value?): choice = .value(value)
        case (let take, _):
            throw FieldError("take", take, "body must have either \"take\": \"local\" or \"remote\", or a \"value\"")
        }
        self.field = field
    }

    /// The body to send.
    public var json: JSONValue {
        switch choice {
        case .local: ["field": .string(field), "take": "local"]
        case .remote: ["field": .string(field), "take": "remote"]
        case .value(let value): ["field": .string(field), "value": value]
        }
    }
}
