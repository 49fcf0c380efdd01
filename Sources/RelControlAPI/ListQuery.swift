import RelModel

/// The filters of `GET /v1/records`, as query parameters: one definition for the CLI that
/// writes them and the daemon that reads them.
public struct ListQuery: Sendable, Equatable {
    /// `kind`
    public var kind: RecordKind?
    /// `category`
    public var category: String?
    /// `party`, repeatable: records involving all of them.
    public var parties: [String] = []
    /// `since`: a partial date.
    public var since: PartialDate?
    /// `until`: a partial date.
    public var until: PartialDate?
    /// `text`
    public var text: String?
    /// `limit`, 1...100000.
    public var limit = 1000
    /// `offset`
    public var offset = 0

    /// The parameter names the route accepts.
    public static let parameterNames: Set<String> = ["kind", "category", "party", "since", "until", "text", "limit", "offset"]

    /// An empty query.
    public init() {}

    /// The query as name/value pairs, in a stable order.
    public var items: [(String, String)] {
        var items: [(String, String)] = []
        if let kind { items.append(("kind", kind.rawValue)) }
        if let category { items.append(("category", category)) }
        for p in parties { items.append(("party", p)) }
        if let since { items.append(("since", since.description)) }
        if let until { items.append(("until", until.description)) }
        if let text { items.append(("text", text)) }
        items.append(("limit", String(limit)))
        if offset > 0 { items.append(("offset", String(offset))) }
        return items
    }

    /// Reads name/value pairs; the error names the parameter and says what it takes.
    public init(items: [(String, String)]) throws(QueryError) {
        for (name, value) in items {
            switch name {
            case "kind":
                guard let k = RecordKind(rawValue: value) else { throw QueryError(name, value, "must be event or agreement") }
                kind = k
            case "category":
                guard Vocabulary.categories.contains(value) else {
                    throw QueryError(name, value, "must be one of: \(Vocabulary.categories.joined(separator: ", "))")
                }
                category = value
            case "party":
                guard !value.isEmpty else { throw QueryError(name, value, "must not be empty") }
                parties.append(value)
            case "since", "until":
                let date: PartialDate
                do { date = try PartialDate(parsing: value) } catch { throw QueryError(name, value, error.reason) }
                if name == "since" { since = date } else { until = date }
            case "text":
                text = value
            case "limit", "offset":
                guard let n = Int(value), name == "limit" ? (1...100_000).contains(n) : n >= 0 else {
                    throw QueryError(name, value, name == "limit" ? "must be a whole number 1-100000" : "must be a whole number 0 or more")
                }
                if name == "limit" { limit = n } else { offset = n }
            default:
                throw QueryError(name, value, "is not a known parameter; known: \(Self.parameterNames.sorted().joined(separator: ", "))")
            }
        }
        if let since, let until, until.latest < since.earliest {
            throw QueryError("until", until.description, "is before since \(since)")
        }
    }
}

/// A query parameter that cannot be used.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    /// The parameter.
    public var name: String
    /// Its value.
    public var value: String
    /// Why it was refused.
    public var reason: String

    init(_ name: String, _ value: String, _ reason: String) {
        self.name = name
        self.value = value
        self.reason = reason
    }

    /// The message people see.
    public var description: String { "\(name) \(JSONText.quoted(value)): \(reason)" }
}
