import RelModel

/// The parameters of `GET /v1/search`: the query `q`, `deleted`, and the filters of
/// `GET /v1/records` (``ListQuery``) but `text`. One definition for the CLI and the daemon.
public struct SearchQuery: Sendable, Equatable {
    /// `q`: words, "phrases", prefixes (`wagn*`), AND, OR, NOT and parentheses.
    public var q = ""
    /// `deleted=true`: find deleted records too.
    public var includeDeleted = false
    /// The filters shared with `list`; `text` is not taken.
    public var filters = ListQuery()

    /// Longest `q`, in UTF-8 bytes: as long as `list`'s `text`.
    public static let maxQueryBytes = ListQuery.maxTextBytes

    /// The parameter names the route accepts.
    public static let parameterNames = ListQuery.parameterNames.subtracting(["text"]).union(["q", "deleted"])

    /// An empty query.
    public init() {}

    /// The query as name/value pairs, in a stable order.
    public var items: [(String, String)] {
        [("q", q)] + (includeDeleted ? [("deleted", "true")] : []) + filters.items
    }

    /// Reads name/value pairs; the error names the parameter and says what it takes.
    public init(items: [(String, String)]) throws(QueryError) {
        var rest: [(String, String)] = []
        var sawQuery = false
        for (name, value) in items {
            switch name {
            case "q":
                guard value.utf8.count <= Self.maxQueryBytes else {
                    throw QueryError(name, value, "is \(value.utf8.count) bytes long; at most \(Self.maxQueryBytes) bytes are allowed")
                }
                q = value.nfc
                sawQuery = true
            case "deleted":
                guard value == "true" || value == "false" else { throw QueryError(name, value, "must be true or false") }
                includeDeleted = value == "true"
            case "text":
                throw QueryError(name, value, "is not a parameter of search; put the words in q")
            case _ where !ListQuery.parameterNames.contains(name):
                throw QueryError(
                    name, value, "is not a known parameter; known: \(Self.parameterNames.sorted().joined(separator: ", "))")
            default:
                rest.append((name, value))
            }
        }
        guard sawQuery else { throw QueryError("q", "", "is missing; give the words to search for") }
        filters = try ListQuery(items: rest)
    }
}
